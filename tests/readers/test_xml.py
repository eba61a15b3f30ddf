"""``.xml`` files go by their root element to the reader of their kind;
XML of any other kind, and files that are not XML, are refused."""

import pytest

from provenance import read_articles
from provenance.readers import readers, register_reader, unregister_reader
from provenance.readers.newsml import NEWSML
from provenance.readers.xml import KINDS
from tests.readers.test_newsml import PARAGRAPHS, document, news_item
from tests.readers.conftest import read_reporting as _read

READS = "readers take NewsML-G2, RSS, Atom and XHTML"
NOT_XML = f"not an XML document: Start tag expected, '<' not found (line 1); {READS} in .xml files"



def test_news_ml_in_an_xml_file_is_read_by_the_news_ml_reader(tmp_path):
    path = tmp_path / "item.xml"
    path.write_bytes(b"\xef\xbb\xbf" + document(news_item("urn:x:1", PARAGRAPHS)).encode("utf-8"))
    [article] = read_articles([path])
    assert (article.id, article.origin) == ("urn:x:1@v1", str(path))


@pytest.mark.parametrize("content, reason", [
    (b'<?xml version="1.0"?>\n<foo><bar>Council news</bar></foo>',
     f"an XML document of an unknown kind (root <foo>); {READS}"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><text>Council</text></svg>',
     f"an XML document of an unknown kind (root <svg> in namespace http://www.w3.org/2000/svg); {READS}"),
    (b"The council met on Monday.", NOT_XML),
    (b'{"text": "JSON in an .xml file"}', NOT_XML),
    (b"  \n", "empty file: no XML document"),
])
def test_other_xml_and_what_is_not_xml_are_refused(tmp_path, content, reason):
    path = tmp_path / "doc.xml"
    path.write_bytes(content)
    articles, problems = _read(path)
    assert articles == [] and [(p.origin, p.reason) for p in problems] == [(str(path), reason)]


def test_binary_in_an_xml_file_is_refused(tmp_path):
    path = tmp_path / "image.xml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    articles, problems = _read(path)
    assert articles == [] and len(problems) == 1 and problems[0].reason.startswith("not an XML document: ")


FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Example</title><item><guid>urn:x:f1</guid>'
        b"<title>Council meets</title><description>The council met on Monday to pass the budget.</description>"
        b"</item></channel></rss>")
PAGE = (b"<!DOCTYPE html>\n<html lang=en><head><title>Council</title></head>"
        b"<body><article><p>The council met on Monday to pass the budget.</p></article></body></html>")


@pytest.mark.parametrize("content, name, label", [
    (FEED, "feed", "an RSS feed"),
    (FEED.replace(b"<rss", b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"')
     .replace(b"</rss>", b"</rdf:RDF>"), "feed", "an RSS 1.0 feed"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title><entry><id>urn:x:a1</id>'
     b"<title>Council meets</title><content>The council met on Monday to pass the budget.</content></entry></feed>",
     "feed", "an Atom feed"),
    (PAGE, "html", "an XHTML page"),  # not well-formed XML, but plainly a page
])
def test_feeds_and_pages_go_to_the_reader_of_their_kind(tmp_path, content, name, label):
    path = tmp_path / "doc.xml"
    path.write_bytes(content)
    articles, problems = _read(path)
    reader = next((r for r in readers() if r.name == name), None)
    if reader is None:
        assert [p.reason for p in problems] == [f"holds {label}, but no reader named {name!r} is registered to read it"]
    else:  # the same as that reader reads the same bytes itself
        alone = []
        expected = list(reader.read(content, str(path), alone.append, stem="doc"))
        assert [a.text for a in articles] == [a.text for a in expected]
        assert [p.reason for p in problems] == [p.reason for p in alone]


def test_without_the_news_ml_reader_news_ml_is_refused_by_name(tmp_path):
    path = tmp_path / "item.xml"
    path.write_text(document(news_item("urn:x:1", PARAGRAPHS)), encoding="utf-8")
    unregister_reader("newsml")
    try:
        _, problems = _read(path)
    finally:
        register_reader(NEWSML)
    assert [p.reason for p in problems] == [
        "holds a NewsML-G2 document, but no reader named 'newsml' is registered to read it"]
    assert KINDS["newsmessage"][0] == "newsml"
