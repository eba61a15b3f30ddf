"""Feeds: RSS 2.0, Atom and RSS 1.0 entries as articles with their fullest
body and metadata, documents that are not feeds refused, hostile entries
(markup, scripts, entities, entity bombs) never run or expanded, nothing
fetched, and the seeds read from an RSS and an Atom feed as from their
plain files."""

from __future__ import annotations

import html
import io
import re
import sys
from email.utils import format_datetime
from datetime import datetime, timezone

import pytest

from provenance import read_articles, scan
from provenance.readers import ReadOptions, Skipped, reader_for
from provenance.readers.feed import FEED
from tests.readers.conftest import outcome, read_reporting as _read

pytest.importorskip("feedparser")

#: The seeds' metadata as their pages give it: (title, site name, date, author, site's address).
SEED_META = {
    "000": ("Putin denies reports that Trump spoke to him after the election", "Evening Courier",
            "2024-11-12", None, "eveningcourier.example"),
    "001": ("Kremlin calls reports of a Putin-Trump call pure fiction", "Kyiv Daily Report", "2024-11-12",
            None, "kyivdaily.example"),
    "002": ("Kremlin says reports that Trump and Putin spoke in recent days are \u2018pure fiction\u2019",
            "Reuters", "2024-11-11", "Dmitry Antonov and Guy Faulconbridge", "reuters.example"),
    "003": ("Kremlin denies Putin-Trump phone call report", "Vietnam Insider", "2024-11-12", None,
            "vietnaminsider.example"),
    "004": ("Pure fiction: the Kremlin says Putin and Trump have not spoken", "gazzeta.in.ua", "2024-12-06",
            None, "gazzeta.example"),
}


_SENTENCE_END = re.compile(r"""[.!?:'"\u2019\u201d)]\s*$""")


def paragraphs_html(text: str, *, line_breaks: bool = False) -> str:
    """A text as a page's paragraphs: a line that ends a sentence (or a short
    line, a heading or a date) closes its paragraph, and a hard-wrapped line
    runs on in the same one; ``line_breaks`` keeps every line, joined by
    ``<br>``, in a paragraph per block, as a page pasted from text does."""
    blocks = [block for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
    out = []
    for block in blocks:
        lines = [html.escape(line.strip(), quote=False) for line in block.split("\n") if line.strip()]
        if line_breaks:
            out.append("<p>" + "<br>\n".join(lines) + "</p>")
            continue
        current: list[str] = []
        for line in lines:
            current.append(line)
            if _SENTENCE_END.search(line) or len(line) < 40:
                out.append("<p>" + "\n".join(current) + "</p>")
                current = []
        if current:
            out.append("<p>" + "\n".join(current) + "</p>")
    return "\n".join(out)



def seed_url(article) -> str:
    return f"https://{SEED_META[article.id[:3]][4]}/world/{article.id}"


def _rfc2822(day: str) -> str:
    return format_datetime(datetime.fromisoformat(day).replace(hour=8, tzinfo=timezone.utc))


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def seeds_rss(articles) -> str:
    """The seeds as an aggregator's RSS 2.0 feed: each item with its outlet
    as ``<source>``, a teaser ``description`` and the full text as
    ``content:encoded``."""
    items = []
    for article in articles:
        title, site, published, author, _ = SEED_META[article.id[:3]]
        teaser = html.escape(f"<p>{article.text.strip().splitlines()[0]}</p>", quote=False)
        creator = f"<dc:creator>{html.escape(author)}</dc:creator>" if author else ""
        items.append(
            f"<item><title>{html.escape(title)}</title><link>{seed_url(article)}</link>"
            f'<guid isPermaLink="true">{seed_url(article)}</guid><pubDate>{_rfc2822(published)}</pubDate>'
            f'{creator}<source url="https://{SEED_META[article.id[:3]][4]}/rss">{html.escape(site)}</source>'
            f"<description>{teaser}</description>"
            f"<content:encoded>{_cdata(paragraphs_html(article.text))}</content:encoded></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<channel><title>World news digest</title><link>https://digest.example/</link>"
            "<description>The day's stories</description>\n" + "\n".join(items) + "\n</channel></rss>")


def seeds_atom(articles) -> str:
    """The seeds as an Atom feed, their bodies in each of Atom's kinds of
    content: escaped HTML, inline XHTML and plain text."""
    entries = []
    for number, article in enumerate(articles):
        title, site, published, author, _ = SEED_META[article.id[:3]]
        kind = ("html", "xhtml", "text")[number % 3]
        if kind == "html":
            content = f'<content type="html">{html.escape(paragraphs_html(article.text), quote=False)}</content>'
        elif kind == "xhtml":
            content = (f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                       f"{paragraphs_html(article.text)}</div></content>")
        else:
            content = f'<content type="text">{html.escape(article.text, quote=False)}</content>'
        byline = f"<author><name>{html.escape(author)}</name></author>" if author else ""
        entries.append(
            f"<entry><id>{seed_url(article)}</id><title>{html.escape(title)}</title>"
            f'<link rel="alternate" href="{seed_url(article)}"/><published>{published}T08:00:00Z</published>'
            f"<updated>{published}T09:30:00Z</updated>{byline}<source><title>{html.escape(site)}</title></source>"
            f"<summary>{html.escape(article.text.strip().splitlines()[0], quote=False)}</summary>{content}</entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>World news digest</title><id>https://digest.example/atom</id><updated>2024-12-06T10:00:00Z</updated>\n"
            + "\n".join(entries) + "\n</feed>")


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>The Daily Planet</title><link>https://planet.example/</link>
<item>
  <title>Council approves budget &amp; tax plan</title>
  <link>https://planet.example/local/budget</link>
  <guid isPermaLink="false">planet-2024-1101</guid>
  <pubDate>Mon, 11 Nov 2024 23:30:00 -0500</pubDate>
  <dc:creator>Sam Writer</dc:creator>
  <description>The council approved the budget.</description>
  <content:encoded><![CDATA[<p>The council approved the budget on Monday &amp; the tax plan.</p>
<script>alert("run me")</script><p>&ldquo;We listened,&rdquo; the mayor said.<br/>Then she left.</p>]]></content:encoded>
</item>
<item>
  <title>Bridge decision delayed</title>
  <link>https://planet.example/local/bridge</link>
  <description>&lt;p&gt;A decision on the bridge was delayed&amp;nbsp;again.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Officials&lt;/b&gt; blamed costs.&lt;/p&gt;</description>
  <source url="https://wire.example/rss">Example Wire</source>
</item>
<item><title>Photo of the day</title><link>https://planet.example/photo</link><description>  </description></item>
<item><description>Only a description, no title, link or guid.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Gazette</title><id>urn:coast:feed</id>
<updated>2024-11-13T10:00:00Z</updated>
<entry><id>urn:coast:1</id><title type="html">Harbour &lt;em&gt;reopens&lt;/em&gt;</title>
  <link rel="alternate" href="https://coast.example/harbour"/><updated>2024-11-13T01:00:00+02:00</updated>
  <author><name>Ann Reporter</name></author>
  <summary>The harbour reopened.</summary>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The harbour reopened on Tuesday after repairs.</p><p>Boats returned by noon.</p></div></content>
</entry>
<entry><id>urn:coast:2</id><title>Ferry timetable</title><published>2024-11-12T09:00:00Z</published>
  <summary type="text">Ferries run every hour
from the north pier.

Tickets &lt;b&gt;cost&lt;/b&gt; more.</summary>
</entry>
</feed>"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://valley.example/"><title>Valley News</title><link>https://valley.example/</link>
<description>Local news</description></channel>
<item rdf:about="https://valley.example/1"><title>Mill closes</title><link>https://valley.example/1</link>
<description>The old mill closed its doors on Friday after ninety years.</description>
<dc:date>2024-11-15T18:00:00+01:00</dc:date><dc:creator>Lee Jones</dc:creator></item>
</rdf:RDF>"""



def _reasons(problems):
    return [(p.origin, p.reason) for p in problems]


def test_rss_items_are_articles_with_their_fullest_body(tmp_path):
    path = tmp_path / "planet.rss"
    path.write_text(RSS, encoding="utf-8")
    articles, problems = _read(path)
    assert reader_for(path) is FEED
    first, second, fourth = articles
    assert first.text == "The council approved the budget on Monday & the tax plan.\n\n\u201cWe listened,\u201d the mayor said.\nThen she left."
    assert (first.id, first.guid, first.url, first.title, first.outlet, first.author, first.published,
            first.encoding) == ("planet-2024-1101", "planet-2024-1101", "https://planet.example/local/budget",
                                "Council approves budget & tax plan", "The Daily Planet", "Sam Writer",
                                "2024-11-12", "utf-8")
    assert first.origin == f"{path} item 1" and first.origin.path == str(path) and first.origin.line is None
    assert (second.id, second.text, second.outlet, second.guid) == (
        "https://planet.example/local/bridge", "A decision on the bridge was delayed again.\n\nOfficials blamed costs.",
        "Example Wire", None)
    assert (fourth.id, fourth.origin, fourth.title, fourth.url) == ("planet#4", f"{path} item 4", None, None)
    assert _reasons(problems) == [(f"{path} item 3", "entry has no text (no content, summary or description)")]


def test_atom_entries_take_content_or_summary(tmp_path):
    path = tmp_path / "coast.atom"
    path.write_text(ATOM, encoding="utf-8")
    harbour, ferry = read_articles([path])
    assert (harbour.id, harbour.title, harbour.text, harbour.author, harbour.published, harbour.url, harbour.outlet) == (
        "urn:coast:1", "Harbour reopens", "The harbour reopened on Tuesday after repairs.\n\nBoats returned by noon.",
        "Ann Reporter", "2024-11-12", "https://coast.example/harbour", "Coast Gazette")
    assert ferry.text == "Ferries run every hour\nfrom the north pier.\n\nTickets <b>cost</b> more."
    assert (ferry.published, ferry.url) == ("2024-11-12", None)


def test_rss_1_0_is_read_from_rdf_files(tmp_path):
    path = tmp_path / "valley.rdf"
    path.write_text(RDF, encoding="utf-8")
    [article] = read_articles([path])
    assert (article.id, article.title, article.author, article.published, article.outlet) == (
        "https://valley.example/1", "Mill closes", "Lee Jones", "2024-11-15", "Valley News")


@pytest.mark.parametrize("data, encoding", [
    (RSS.replace('encoding="utf-8"', 'encoding="windows-1252"').replace("Sam Writer", "S\u00e9verine Writer")
     .encode("cp1252"), "cp1252"),
    (RSS.replace('encoding="utf-8"', 'encoding="utf-16"').replace("Sam Writer", "S\u00e9verine Writer")
     .encode("utf-16"), "utf-16"),
])
def test_the_feed_s_encoding_is_read_and_recorded(tmp_path, data, encoding):
    path = tmp_path / "planet.rss"
    path.write_bytes(data)
    articles, _ = _read(path)
    assert articles[0].author == "S\u00e9verine Writer" and {a.encoding for a in articles} == {encoding}


def test_a_given_encoding_wins(tmp_path):
    path = tmp_path / "planet.rss"
    path.write_bytes(RSS.replace("Sam Writer", "S\u00e9verine Writer").encode("cp1252"))
    articles, _ = _read(path, options=ReadOptions(encoding="cp1252"))
    assert articles[0].author == "S\u00e9verine Writer" and articles[0].encoding == "cp1252"


def _bomb(levels: int, *, one_line: bool) -> str:
    separator = "" if one_line else "\n"
    declarations = [' <!ENTITY lol "lol">'] + [
        f' <!ENTITY lol{n} "{("&lol;" if n == 1 else f"&lol{n - 1};") * 10}">' for n in range(1, levels + 1)]
    return (f'<?xml version="1.0"?>{separator}<!DOCTYPE rss [{separator}{separator.join(declarations)}{separator}]>'
            f'{separator}<rss version="2.0"><channel><title>Bomb</title><item><guid>b-1</guid><title>&lol{levels};</title>'
            f"<description>The council met &lol{levels}; on Monday to pass the budget.</description></item></channel></rss>")


@pytest.mark.parametrize("document", [
    _bomb(9, one_line=False), _bomb(9, one_line=True),
    # Quadratic blow-up: one large entity referenced many times.
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + "A" * 100_000 + '">\n]>\n<rss version="2.0"><channel>'
    "<title>B</title><item><guid>b-1</guid><description>The council met &a; on Monday to pass the budget."
    + "&a;" * 20_000 + "</description></item></channel></rss>",
    # An external entity: never read.
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<rss version="2.0"><channel>'
    "<title>B</title><item><guid>b-1</guid><description>The council met &xxe; on Monday to pass the budget."
    "</description></item></channel></rss>",
], ids=["billion-laughs", "billion-laughs-on-one-line", "quadratic-blowup", "external-entity"])
def test_entities_declared_in_a_feed_are_never_expanded(tmp_path, document):
    path = tmp_path / "bomb.rss"
    path.write_text(document, encoding="utf-8")
    articles, problems = _read(path)
    [article] = articles
    assert "The council met" in article.text and "lollol" not in article.text and "AAAA" not in article.text
    assert "root:" not in article.text and len(article.text) < 100_000
    assert _reasons(problems) == [(str(path), "the entities its DOCTYPE declares (never expanded: references to them are left as written)")]
    assert all(isinstance(p, Skipped) for p in problems)


def test_hostile_entries_are_text_never_markup(tmp_path):
    path = tmp_path / "hostile.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>H</title><item><guid>h-1</guid>'
        "<title>&lt;script&gt;alert(1)&lt;/script&gt;Headline</title>"
        "<description><![CDATA[<p>The council met <img src=x onerror=alert(1)>on Monday.</p>"
        "<script>document.write('<p>injected</p>')</script><style>p{}</style><iframe>framed</iframe>"
        "<p>Fish &amp; chips &#233;t&#xE9; &copy; 2024</p><!-- <p>comment</p> -->]]></description></item>"
        "</channel></rss>", encoding="utf-8")
    [article] = read_articles([path])
    assert article.text == "The council met on Monday.\n\nFish & chips été © 2024"
    assert article.title == "<script>alert(1)</script>Headline"  # escaped text in the feed: text, never run


@pytest.mark.parametrize("markup", ["<a" * 50_000, "<![" * 50_000, "</" * 50_000, "<?" * 50_000,
                                    "<div>" * 100_000 + "</div>" * 100_000, "<!--" + "x" * 1_000_000],
                         ids=["open-tags", "cdata-marks", "end-tags", "instructions", "deep", "open-comment"])
def test_pathological_markup_in_an_entry_is_read_in_one_pass(tmp_path, markup):
    path = tmp_path / "odd.rss"
    path.write_text('<rss version="2.0"><channel><title>O</title><item><guid>o-1</guid><description>'
                    + html.escape("<p>The council met on Monday.</p>" + markup, quote=False)
                    + "</description></item></channel></rss>", encoding="utf-8")
    articles, problems = _read(path)
    assert [a.text for a in articles] == ["The council met on Monday."] and problems == []


def test_without_feedparser_each_feed_is_one_error_naming_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "feedparser", None)  # import feedparser now fails
    path = tmp_path / "planet.rss"
    path.write_text(RSS, encoding="utf-8")
    articles, problems = _read(path)
    assert articles == [] and len(problems) == 1
    assert problems[0].reason.startswith("reading feeds needs feedparser and lxml: pip install feedparser lxml")


def test_bytes_that_look_like_a_url_or_a_path_are_never_opened(tmp_path):
    feed = tmp_path / "real.rss"
    feed.write_text(RSS, encoding="utf-8")
    for name, content in (("path.rss", str(feed)), ("url.rss", "https://planet.example/feed.rss"),
                          ("file.rss", feed.as_uri())):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        articles, problems = _read(path)
        assert articles == [] and _reasons(problems) == [
            (str(path), "not an RSS or Atom feed: no <rss>, <feed> or <rdf:RDF> root element")]


@pytest.mark.parametrize("content, reason", [
    (b"<!DOCTYPE html><html><head><title>Planet</title></head><body><p>News.</p></body></html>",
     "not an RSS or Atom feed: it is an HTML page (.html)"),
    (b'{"text": "JSON saved as a feed"}', "not an RSS or Atom feed: no <rss>, <feed> or <rdf:RDF> root element"),
    (b"%PDF-1.4 binary",
     "not an RSS or Atom feed: it is a PDF document, not text; convert it to text first (e.g. pdftotext)"),
    (b"\x00\x01\x02\x03" * 64, "not an RSS or Atom feed: it is binary data"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>',
     "an RSS 2.0 feed with no entries: no articles"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet</title></feed>',
     "an Atom 1.0 feed with no entries: no articles"),
    (b" \n", "empty file: no feed"),
])
def test_what_is_not_a_feed_with_entries_is_refused(tmp_path, content, reason):
    path = tmp_path / "feed.rss"
    path.write_bytes(content)
    articles, problems = _read(path)
    assert articles == [] and _reasons(problems) == [(str(path), reason)]


def test_a_truncated_feed_is_reported_with_its_line_and_its_entries_read(tmp_path):
    path = tmp_path / "cut.rss"
    path.write_text(RSS[:RSS.index("<title>Bridge")], encoding="utf-8")
    articles, problems = _read(path)
    assert [a.id for a in articles] == ["planet-2024-1101"]
    problem, cut = problems
    assert problem.origin == str(path) and problem.line == RSS[:RSS.index("<title>Bridge")].count("\n") + 1
    assert problem.reason == "malformed XML: no element found; read leniently, so entries may be cut or missing"
    assert _reasons([cut]) == [(f"{path} item 2", "entry has no text (no content, summary or description)")]


def test_html_entities_common_in_feeds_are_not_problems(tmp_path):
    path = tmp_path / "nbsp.rss"
    path.write_text('<rss version="2.0"><channel><title>E</title><item><guid>e-1</guid>'
                    "<description>Prices rose&nbsp;by 5&mdash;6 per cent.</description></item></channel></rss>",
                    encoding="utf-8")
    articles, problems = _read(path)
    assert [a.text for a in articles] == ["Prices rose by 5\u20146 per cent."] and problems == []


def test_standard_input_is_recognised_as_a_feed():
    assert FEED.sniff(RSS.encode()) and FEED.sniff(ATOM.encode()) and FEED.sniff(RDF.encode())
    assert not FEED.sniff(b"<!DOCTYPE html><html></html>")
    articles = read_articles(["-"], stdin=io.BytesIO(ATOM.encode()))
    assert [a.origin for a in articles] == ["<stdin> item 1", "<stdin> item 2"]


@pytest.mark.parametrize("render, name", [(seeds_rss, "seeds.rss"), (seeds_atom, "seeds.atom")])
def test_the_seeds_as_a_feed_give_the_plain_seeds_outcome(tmp_path, seed_articles, seeds_outcome, render, name):
    path = tmp_path / name
    path.write_text(render(seed_articles), encoding="utf-8")
    result = scan([path], jobs=1)
    assert outcome(result) == seeds_outcome
    wire = next(d for d in result.documents if d.id.endswith("002_fd439a6a3e23e835"))
    assert (wire.outlet, wire.published, wire.title) == ("Reuters", "2024-11-11", SEED_META["002"][0])


def test_a_feed_cut_before_its_first_entry_is_one_error(tmp_path):
    for end, reason in ((RSS.index("<item>"), "malformed XML: no element found; no entries could be read"),
                        (60, "malformed XML: unclosed token; not readable as a feed")):
        path = tmp_path / f"cut{end}.rss"
        path.write_text(RSS[:end], encoding="utf-8")
        articles, problems = _read(path)
        assert articles == [] and [(p.reason, p.line) for p in problems] == [(reason, RSS[:end].count("\n") + 1)]
