"""Web archives: each captured HTML page an article (its address, its own
date, its capture date kept apart), every other record counted in one
report, corrupt records named by number while the rest are read, archives
compressed record by record or whole, and the seeds read from a crawl of
their pages as from their plain files."""

from __future__ import annotations

import gzip
import io
import re
import sys

import pytest

from provenance import read_articles, scan
from provenance.readers import Skipped, reader_for
from provenance.readers.warc import WARC
from tests.readers.conftest import outcome, read_reporting as _read
from tests.readers.test_html import seed_page, seed_url, story_page

pytest.importorskip("trafilatura")
pytest.importorskip("warcio")

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

CAPTURED = "2024-12-07T06:00:00Z"


class Archive:
    """A WARC written with warcio's own writer, record by record."""

    def __init__(self, *, compress: bool = False):
        self.out = io.BytesIO()
        self.writer = WARCWriter(self.out, gzip=compress)
        self.writer.write_record(self.writer.create_warcinfo_record("crawl.warc", {"software": "tests"}))

    def _write(self, uri, kind, body=b"", http=None, **options):
        dates = {"WARC-Date": options.pop("date", CAPTURED)}
        self.writer.write_record(self.writer.create_warc_record(
            uri, kind, payload=io.BytesIO(body), http_headers=http, warc_headers_dict=dates, **options))

    def request(self, uri):
        host, _, path = uri.split("://", 1)[1].partition("/")
        self._write(uri, "request", http=StatusAndHeaders(f"GET /{path} HTTP/1.1", [("Host", host)],
                                                          is_http_request=True))

    def response(self, uri, body: bytes, content_type="text/html; charset=utf-8", status="200 OK", headers=()):
        http = StatusAndHeaders(status, [("Content-Type", content_type), *headers], protocol="HTTP/1.1")
        self._write(uri, "response", body, http)

    def resource(self, uri, body: bytes, content_type="text/html"):
        self._write(uri, "resource", body, warc_content_type=content_type)

    def metadata(self, uri):
        self._write(uri, "metadata", b"outlink: https://planet.example/\r\n", warc_content_type="application/warc-fields")

    def revisit(self, uri):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        self.writer.write_record(self.writer.create_revisit_record(
            uri, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", uri, "2024-12-01T00:00:00Z", http_headers=http))

    def bytes(self) -> bytes:
        return self.out.getvalue()



def _reasons(problems):
    return [(p.origin, p.reason, isinstance(p, Skipped)) for p in problems]


def crawl(*, compress=False) -> bytes:
    """Two pages of the Daily Planet with what a crawl also holds around them."""
    archive = Archive(compress=compress)
    archive.request("https://planet.example/local/budget")
    archive.response("https://planet.example/local/budget", story_page().encode("utf-8"))
    archive.response("https://planet.example/logo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")
    archive.response("https://planet.example/gone", b"<html><body>Not found</body></html>", status="404 Not Found")
    archive.metadata("https://planet.example/local/budget")
    archive.revisit("https://planet.example/local/budget")
    archive.response("https://planet.example/local/undated",
                     story_page(published=None, title="Undated story").encode("cp1252"),
                     "text/html; charset=windows-1252")
    archive.response("https://planet.example/menu", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    return archive.bytes()


def test_each_html_page_is_an_article_and_the_rest_is_counted(tmp_path):
    path = tmp_path / "crawl.warc"
    path.write_bytes(crawl())
    articles, problems = _read(path)
    assert reader_for(path) is WARC
    budget, undated = articles
    assert (budget.id, budget.url, budget.guid, budget.version, budget.published, budget.outlet, budget.title) == (
        "https://planet.example/local/budget", "https://planet.example/local/budget",
        "https://planet.example/local/budget", CAPTURED, "2024-11-12", "The Daily Planet", "Council approves budget")
    assert budget.origin == f"{path} record 3" and budget.origin.path == str(path) and budget.author == "Sam Writer"
    assert "Share this article" not in budget.text and "The council approved the budget" in budget.text
    # The capture date is not a publication date: a page that gives none has none.
    assert (undated.published, undated.version, undated.encoding, undated.origin) == (
        None, CAPTURED, "cp1252", f"{path} record 8")
    assert _reasons(problems) == [(str(path), "7 records with no article: warcinfo 1, request 1, metadata 1, revisit 1, "
                                              "image/jpeg 1, status 404 1, no main text 1", True)]


@pytest.mark.parametrize("packing", ["record-by-record", "whole"])
def test_compressed_archives_are_read_alike(tmp_path, packing):
    data = crawl(compress=True) if packing == "record-by-record" else gzip.compress(crawl())
    path = tmp_path / "crawl.warc"
    path.write_bytes(data)
    plain = tmp_path / "plain.warc"
    plain.write_bytes(crawl())
    articles, problems = _read(path)
    expected, expected_problems = _read(plain)
    assert [(a.id, a.text, a.origin.replace("crawl", "plain")) for a in articles] == [
        (a.id, a.text, a.origin) for a in expected]
    assert [p.reason for p in problems] == [p.reason for p in expected_problems]


def test_bytes_read_as_the_file_does(tmp_path):
    data = crawl()
    from_bytes = list(WARC.read(data, "crawl.warc", lambda problem: None, stem="crawl"))
    path = tmp_path / "crawl.warc"
    path.write_bytes(data)
    assert [a.text for a in from_bytes] == [a.text for a in read_articles([path])]
    assert [a.origin for a in read_articles(["-"], stdin=io.BytesIO(data))] == ["<stdin> record 3", "<stdin> record 8"]


def test_resource_records_of_html_and_encoded_responses_are_pages(tmp_path):
    archive = Archive()
    archive.resource("https://planet.example/saved", story_page().encode("utf-8"))
    archive.response("https://planet.example/zipped", gzip.compress(story_page().encode("utf-8")),
                     headers=[("Content-Encoding", "gzip")])
    path = tmp_path / "saved.warc"
    path.write_bytes(archive.bytes())
    saved, zipped = read_articles([path])
    assert saved.text == zipped.text and "The council approved the budget" in saved.text
    assert (saved.origin, zipped.origin) == (f"{path} record 2", f"{path} record 3")


def _corrupt_second_page(data: bytes, how: str) -> bytes:
    start = data.index(b"WARC/1.0", data.index(b"https://planet.example/2"))
    start = data.rindex(b"WARC/1.0", 0, start + 1)
    if how == "header":
        return data[:start] + b"XXXX" + data[start + 4:]
    if how == "content":
        at = data.index(b"budget on Monday", start)
        return data[:at] + b"BUDGET" + data[at + 6:]
    if how == "length":
        at = data.index(b"Content-Length: ", start) + len(b"Content-Length: ")
        end = data.index(b"\r\n", at)
        return data[:at] + str(int(data[at:end]) - 40).encode() + data[end:]
    raise ValueError(how)


def _three_pages(compress=False) -> bytes:
    archive = Archive(compress=compress)
    for number in (1, 2, 3):
        archive.response(f"https://planet.example/{number}", story_page().encode("utf-8"))
    return archive.bytes()


@pytest.mark.parametrize("how, reason", [
    ("header", "corrupt WARC record, not read: ArchiveLoadFailed: Invalid WARC record, first line: XXXX/1.0"),
    ("content", "corrupt WARC record, not read: block digest failed: "),
    ("length", "corrupt WARC record, not read: its Content-Length does not end where the record does"),
])
def test_a_corrupt_record_is_named_and_the_others_are_read(tmp_path, capfd, how, reason):
    path = tmp_path / "damaged.warc"
    path.write_bytes(_corrupt_second_page(_three_pages(), how))
    articles, problems = _read(path)
    assert [a.id for a in articles] == ["https://planet.example/1", "https://planet.example/3"]
    assert [a.origin for a in articles] == [f"{path} record 2", f"{path} record 4"]
    errors = [p for p in problems if not isinstance(p, Skipped)]
    assert [p.origin for p in errors] == [f"{path} record 3"] and errors[0].reason.startswith(reason)
    assert capfd.readouterr().err == ""  # warcio's own warnings never reach the terminal


def test_a_corrupt_member_of_a_compressed_archive_is_named_and_the_others_are_read(tmp_path):
    data = _three_pages(compress=True)
    members = [at for at in range(len(data)) if data.startswith(b"\x1f\x8b\x08", at)]
    middle = (members[2] + members[3]) // 2  # inside the second page's member
    path = tmp_path / "damaged.warc"
    path.write_bytes(data[:middle] + b"\x00" * 16 + data[middle + 16:])
    articles, problems = _read(path)
    assert [a.id for a in articles] == ["https://planet.example/1", "https://planet.example/3"]
    assert [p.origin for p in problems if not isinstance(p, Skipped)] == [f"{path} record 3"]


def test_a_record_cut_short_is_named(tmp_path):
    data = _three_pages()
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:-500])
    articles, problems = _read(path)
    assert [a.id for a in articles] == ["https://planet.example/1", "https://planet.example/2"]
    [problem] = [p for p in problems if not isinstance(p, Skipped)]
    assert problem.origin == f"{path} record 4"
    assert re.fullmatch(r"corrupt WARC record, not read: cut short: [\d,]+ bytes of its Content-Length missing",
                        problem.reason)


@pytest.mark.parametrize("content, reason", [
    (b"\x00\x01\x02\x03binary" * 40, "not a WARC file: it is binary data"),
    (b"<!DOCTYPE html><html><body><p>A page.</p></body></html>", "not a WARC file: it is an HTML page (.html)"),
    (gzip.compress(b"plain text, compressed"), "not a WARC file: gzip-compressed, but not a WARC file inside"),
    (b"Some notes about a crawl.", "not a WARC file: it does not start with a WARC/1.x record"),
    (b"", "empty file: no WARC records"),
])
def test_what_is_not_a_web_archive_is_refused(tmp_path, content, reason):
    path = tmp_path / "crawl.warc"
    path.write_bytes(content)
    articles, problems = _read(path)
    assert articles == [] and _reasons(problems) == [(str(path), reason, False)]


def test_without_warcio_each_archive_is_one_error_naming_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "warcio", None)  # import warcio now fails
    path = tmp_path / "crawl.warc"
    path.write_bytes(crawl())
    articles, problems = _read(path)
    assert articles == [] and len(problems) == 1
    assert problems[0].reason.startswith("reading .warc needs warcio: pip install 'provenance-news[warc]'")


def test_the_seeds_captured_in_an_archive_give_the_plain_seeds_outcome(tmp_path, seed_articles, seeds_outcome):
    archive = Archive(compress=True)
    for article in seed_articles:
        archive.request(seed_url(article))
        archive.response(seed_url(article), seed_page(article).encode("utf-8"))
        archive.response(seed_url(article) + "/photo.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")
    path = tmp_path / "seeds.warc"
    path.write_bytes(archive.bytes())
    problems = []
    result = scan([path], jobs=1, on_error=problems.append)
    assert outcome(result) == seeds_outcome
    assert _reasons(problems) == [(str(path), "11 records with no article: warcinfo 1, request 5, image/jpeg 5", True)]
    wire = next(d for d in result.documents if "002_" in d.id)
    # The wire's own date, not the day it was captured.
    assert (wire.outlet, wire.published) == ("Reuters", "2024-11-11")
