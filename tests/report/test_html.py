"""The HTML report without a browser: same data as JSON, escaping, CSP,
no remote references, determinism. Browser behaviour: test_html_browser.py."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from provenance.report import html as html_report
from provenance.report.json import dumps, scan_document
from tests.helpers import seed_id

PAYLOAD = '</script><script>alert(1)</script><img src=x onerror=alert(2)>"\'&'


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of style/script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"style": [], "script": []}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in self.raw else None

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self._open:
            self.raw[self._open].append(data)

    def handle_endtag(self, tag):
        self._open = None


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def seeds_html(seed_scan) -> str:
    return html_report.render_scan(seed_scan)


@pytest.fixture(scope="module")
def seeds_document(seed_scan) -> dict:
    return json.loads(dumps(scan_document(seed_scan)))


def hostile(document: dict) -> dict:
    """The seeds document with a payload in every string a reader controls."""
    document = copy.deepcopy(document)
    for article in document["articles"]:
        for field in ("title", "outlet", "origin", "url"):
            article[field] = f"{field} {PAYLOAD}"
    for relation in document["relations"]:
        relation["credit_evidence"] = [PAYLOAD]
        relation["direction"]["reasons"].append(PAYLOAD)
        for sentence in relation["sentences"] + relation["source_sentences"]:
            sentence["text"] = PAYLOAD + sentence["text"]
    for cluster in document["clusters"]:
        cluster["source_reasons"].append(PAYLOAD)
    document["problems"] = [{"origin": PAYLOAD, "line": 3, "message": PAYLOAD}]
    return document


def test_renders_the_json_document(seeds_html, seeds_document):
    # The JSON round trip changes nothing: HTML is rendered from the JSON data model.
    assert html_report.render_scan_document(seeds_document) == seeds_html
    assert seeds_html.startswith("<!DOCTYPE html>\n")
    for relation in seeds_document["relations"]:
        assert f'data-derived="{relation["derived"]}"' in seeds_html


def test_output_is_deterministic(seed_scan, seeds_html):
    assert html_report.render_scan(seed_scan) == seeds_html


def test_csp_forbids_remote_loads_and_pins_the_inline_style_and_script(seeds_html):
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', seeds_html)
    assert match and match.start() < seeds_html.index("<style>")
    policy = dict(part.strip().split(" ", 1) for part in match.group(1).split(";"))
    assert policy["default-src"] == "'none'"
    assert "unsafe" not in match.group(1)
    elements = parse(seeds_html)
    for kind, directive in (("style", "style-src"), ("script", "script-src")):
        (text,) = elements.raw[kind]
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert policy[directive] == f"'sha256-{digest}'"


def test_no_remote_references(seeds_html):
    assert "http://" not in seeds_html and "https://" not in seeds_html
    assert "@import" not in seeds_html
    assert re.findall(r"url\((?!#)", seeds_html) == []
    for tag, attrs in parse(seeds_html).tags:
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster"):
            value = attrs.get(name)
            assert value is None or value.startswith(("#", "data:")), (tag, name, value)


def test_every_untrusted_string_is_escaped(seeds_document):
    page = html_report.render_scan_document(hostile(seeds_document))
    elements = parse(page)
    assert [tag for tag, _ in elements.tags].count("script") == 1
    assert "img" not in {tag for tag, _ in elements.tags}
    assert not [(tag, name) for tag, attrs in elements.tags for name in attrs if name.startswith("on")]
    assert page.count("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") > 100


def test_url_is_shown_as_text_not_a_link(seeds_document):
    document = copy.deepcopy(seeds_document)
    document["articles"][0]["url"] = "javascript:alert(1)//https://evil.example/x.js"
    page = html_report.render_scan_document(document)
    assert "javascript:alert(1)//https://evil.example/x.js</dd>" in page
    assert all(
        not (attrs.get("href") or "").startswith(("javascript", "http")) for _, attrs in parse(page).tags
    )


def test_lone_surrogates_and_control_characters_are_replaced(seeds_document):
    document = copy.deepcopy(seeds_document)
    document["articles"][0]["title"] = "broken \ud800 title \x00 \x1b end"
    sentence = document["relations"][0]["sentences"][0]
    sentence["text"] = "\udfff" + sentence["text"][1:]
    page = html_report.render_scan_document(document)
    page.encode("utf-8")  # would raise on a lone surrogate
    assert "broken \ufffd title \ufffd \ufffd end" in page
    # One code point for one: the copied spans still fall on the same words.
    start, end = sentence["verbatim_spans"][0]
    assert f'<mark class="vb">{sentence["text"][start:end]}</mark>' in page.replace("&#39;", "'")


def test_verbatim_spans_are_marked_inside_sentences(seeds_document):
    relation = next(r for r in seeds_document["relations"] if r["derived"] == seed_id("000"))
    sentence = next(s for s in relation["sentences"] if s["label"] == "rewrite" and s["verbatim_spans"])
    page = html_report.render_scan_document(seeds_document)
    start, end = sentence["verbatim_spans"][0]
    assert f'<mark class="vb">{sentence["text"][start:end]}</mark>' in page.replace("&#39;", "'")


def test_pieces_clip_and_merge_spans():
    pieces = html_report._pieces("abcdefghij", [[6, 20], [0, 2], [1, 4], [8, 7]])
    assert pieces == (("abcd", True), ("ef", False), ("ghij", True))
    assert html_report._pieces("abc", []) == (("abc", False),)


def test_small_reports_open_every_ledger_large_ones_collapse_them(seeds_html, seeds_document):
    assert seeds_html.count('<details class="relation"') == 4
    assert seeds_html.count('data-rel="" data-derived=') == seeds_html.count('" open>')
    big = copy.deepcopy(seeds_document)
    template = big["relations"][0]
    extra = 40
    for n in range(extra):
        big["articles"].append({**big["articles"][0], "id": f"copy-{n}"})
        big["relations"].append({**template, "derived": f"copy-{n}"})
        big["clusters"][0]["members"].append(f"copy-{n}")
    page = html_report.render_scan_document(big)
    assert page.count('<details class="relation"') == 4 + extra
    assert '" open>' not in page
    # The graph draws a bounded number of nodes and counts the rest.
    assert page.count('class="node-link"') == html_report.GRAPH_MAX_NODES
    assert f"+ {4 + extra - html_report.GRAPH_MAX_NODES} more in the table" in page


def test_uncredited_mark_only_where_text_is_reused(seeds_html, seeds_document):
    uncredited = [r for r in seeds_document["relations"] if not r["credited"]]
    assert len(uncredited) >= 2
    mark = '<use href="#nocredit" class="nc"'
    assert seeds_html.count(mark) == len(uncredited)
    document = copy.deepcopy(seeds_document)
    next(r for r in document["relations"] if not r["credited"])["verdict"] = "independent"
    page = html_report.render_scan_document(document)
    assert page.count(mark) == len(uncredited) - 1
    assert "independent · not credited" in page
