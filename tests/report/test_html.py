"""The HTML report without a browser: same data as JSON, escaping, CSP,
no remote references, determinism. Browser behaviour: test_html_browser.py."""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import re
from html.parser import HTMLParser

import pytest

from provenance.report import html as html_report
from provenance.report.graph import GRAPH_MAX_NODES
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
    start, end = html_report.marked_spans(sentence["text"], sentence["verbatim_spans"])[0]
    assert f'<mark class="vb">{sentence["text"][start:end]}</mark>' in page.replace("&#39;", "'")


def test_verbatim_spans_are_marked_inside_sentences(seeds_document):
    relation = next(r for r in seeds_document["relations"] if r["derived"] == seed_id("000"))
    sentence = next(s for s in relation["sentences"] if s["label"] == "rewrite" and s["verbatim_spans"])
    page = html_report.render_scan_document(seeds_document)
    # Its first copied span is a name ("president Vladimir Putin"), the second a passage.
    (name, _), (passage, _) = [(sentence["text"][a:b], (a, b)) for a, b in sentence["verbatim_spans"][:2]]
    assert name == "president Vladimir Putin"
    assert f'<mark class="vb">{passage}</mark>' in page.replace("&#39;", "'")
    assert f'<mark class="vb">{name}</mark>' not in page


def test_names_dates_and_short_spans_are_not_marked_as_copied():
    text = "Kremlin spokesman Dmitry Peskov said on Monday, November 11, that the call never took place at all."
    spans = [[0, 31], [37, 60], [66, 74], [66, 99]]
    assert [text[a:b] for a, b in spans] == [
        "Kremlin spokesman Dmitry Peskov", "on Monday, November 11,", "the call", "the call never took place at all."]
    # Names with their title, a date, a span of three words or fewer: not evidence of copying.
    assert html_report.marked_spans(text, spans) == [(66, 99)]
    # Out-of-range and empty spans are dropped, not marked.
    assert html_report.marked_spans(text, [[90, 500], [5, 5]]) == []
    assert html_report.marked_spans("Mr Peskov", [[0, 9]]) == []


def test_no_mark_in_the_seeds_report_is_a_name_or_a_short_span(seeds_html):
    from provenance.report.regions import is_evidence

    ledgers = seeds_html[seeds_html.index('<details class="relation"'):]
    marked = [html.unescape(m) for m in re.findall(r'<mark class="vb">(.*?)</mark>', ledgers)]
    assert len(marked) > 20
    assert all(is_evidence(text) for text in marked)
    for name in ("Dmitry Peskov", "the Kremlin", "Vladimir Putin", "Russian President Vladimir Putin"):
        assert f'<mark class="vb">{name}</mark>' not in seeds_html


def test_story_ids_are_the_json_reports(seeds_html, seeds_document):
    (cluster,) = seeds_document["clusters"]
    assert f'<span class="sid">{cluster["id"]}</span>: 4 related articles' in seeds_html
    assert "Story 1" not in seeds_html
    # Whatever the id, the HTML prints it; it numbers nothing itself.
    document = copy.deepcopy(seeds_document)
    document["clusters"][0]["id"] = "story-7"
    page = html_report.render_scan_document(document)
    assert '<span class="sid">story-7</span>' in page and cluster["id"] + "<" not in page


def test_each_sentence_stands_beside_the_source_sentences_it_came_from(seeds_document):
    relation = next(r for r in seeds_document["relations"] if r["derived"] == seed_id("001"))
    rows = html_report._rows(relation, "r2")
    # Every derived sentence once, in the article's order.
    assert [s.index for row in rows for s in row.derived] == [s["index"] for s in relation["sentences"]]
    for row in rows:
        for sentence in row.derived:
            origins = [int(j) for j in sentence.links.split()]
            assert [t.index for t in row.sources] == origins
    # Each source sentence at least once; the dropped ones in rows of their own.
    source_rows = [t.index for row in rows for t in row.sources]
    assert set(source_rows) == {s["index"] for s in relation["source_sentences"]}
    dropped = {d["index"] for d in relation["dropped"]}
    alone = {t.index: t.label for row in rows if not row.derived for t in row.sources}
    assert {j for j, label in alone.items() if label == "dropped"} == dropped
    # 001 quotes the source's [16] ("Nothing can be ruled out") within its [13], matched to [15].
    assert {j: label for j, label in alone.items() if label != "dropped"} == {16: "quoted"}
    # Ids stay unique where a source sentence stands beside two sentences.
    ids = [s.dom_id for row in rows for s in row.derived + row.sources if s.dom_id]
    assert len(ids) == len(set(ids)) and len(source_rows) > len(set(source_rows))
    # Dropped sentences sit where the source has them: before the first use of a later one.
    first_row = {}
    for n, row in enumerate(rows):
        for t in row.sources:
            first_row.setdefault(t.index, n)
    assert first_row[0] == 0 and first_row[3] < first_row[5] and first_row[8] < first_row[9]


def test_consecutive_sentences_from_one_source_sentence_share_a_row(seeds_document):
    relation = next(r for r in seeds_document["relations"] if r["derived"] == seed_id("000"))
    rows = html_report._rows(relation, "r1")
    # 000 splits source sentence 4 into its sentences 4, 5 and 6.
    (row,) = [row for row in rows if [t.index for t in row.sources] == [4]]
    assert [s.index for s in row.derived] == [4, 5, 6]


def test_overview_shows_the_copied_share_of_every_format(seeds_html, seeds_document):
    for relation in seeds_document["relations"]:
        copied = relation["scores"]["run_coverage_3"]
        assert f'<td class="num" data-sort="{copied}">{copied:.0%}</td>' in seeds_html
        scores = relation["scores"]
        # From the source's own prose: the matched share without shared quotations.
        own = scores["matched"] - scores["quoted"]
        assert f"{copied:.0%} copied word for word, {own:.0%} from the source" in seeds_html
    assert ">Verbatim<" not in seeds_html


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
    assert page.count('class="node-link"') == GRAPH_MAX_NODES
    assert f"+ {4 + extra - GRAPH_MAX_NODES} more in the table" in page


def test_uncredited_mark_only_where_text_is_reused(seeds_html, seeds_document):
    uncredited = [r for r in seeds_document["relations"] if not r["credited"]]
    assert len(uncredited) >= 2
    mark = '<use href="#nocredit" class="nc"'
    assert seeds_html.count(mark) == len(uncredited)
    document = copy.deepcopy(seeds_document)
    next(r for r in document["relations"] if not r["credited"])["verdict"] = "independent"
    page = html_report.render_scan_document(document)
    assert page.count(mark) == len(uncredited) - 1
    # An independent article is told nothing about credit.
    assert re.search(r'class="n-detail">independent</text>', page)
    assert "independent · " not in page


def test_graph_nodes_name_the_outlet_and_a_date_or_title(seeds_html, seeds_document):
    assert '<text x="8" y="16.5" class="n-name">gazzeta.in.ua</text>' in seeds_html
    assert '<text x="8" y="31.5" class="n-title">2024-12-06 · Pure fiction: The Kremlin …</text>' in seeds_html
    # An outlet with neither date nor title carries the id, so two boxes never read alike.
    assert f'class="n-title">{seed_id("003")}</text>' in seeds_html
    # Six articles from one outlet: six different labels.
    document = copy.deepcopy(seeds_document)
    template, members = document["relations"][0], []
    for n in range(6):
        article = {**document["articles"][0], "id": f"pa-{n}", "outlet": "PA", "published": f"1999-06-1{n}",
                   "title": f"Court story, take {n}"}
        document["articles"].append(article)
        document["relations"].append({**template, "derived": article["id"]})
        members.append(article["id"])
    document["clusters"][0]["members"] = members
    page = html_report.render_scan_document(document)
    labels = re.findall(r'class="n-title">([^<]*)</text>', page)
    assert len(labels) == 7 and len(set(labels[1:])) == 6
    assert "1999-06-13 · Court story, take 3" in labels
    assert page.count('class="n-name">PA</text>') == 6


def test_a_scan_opens_with_one_row_per_derived_article(seeds_html, seeds_document):
    summary = seeds_html.split('id="summary"', 1)[1].split("</section>", 1)[0]
    reusing = [r for r in seeds_document["relations"] if r["verdict"] != "independent"]
    rows = summary.split("<tbody>", 1)[1].count("<tr>")
    assert rows == len(reusing) == 4
    for relation in reusing:
        assert f">{relation['derived']}</a>" in summary
    # Before the stories; and the headline counts as the text report does.
    assert seeds_html.index('id="summary"') < seeds_html.index('id="overview"')
    headline = " ".join(seeds_html.split('<p class="summary">', 1)[1].split("</p>", 1)[0].split())
    assert headline.startswith("5 articles scanned: 4 derived (1 copy, 1 rewrite, 2 partial), 3 of them not credited;")


def test_reasons_read_in_the_plain_words_of_every_report(seeds_html, seeds_document):
    copy = next(r for r in seeds_document["relations"] if r["verdict"] == "copy")
    told = copy["explanation"]
    from markupsafe import escape

    for line in [*told["direction"], told["verdict"]]:
        assert escape(line) in seeds_html
    # Why a mention of Reuters does not count as credit, without the judge's own phrasing.
    assert escape(told["credit"].removeprefix("not credited: ")) in seeds_html
    assert "while 000_69367191860a6389 contains" not in seeds_html
    cluster = seeds_document["clusters"][0]
    assert all(escape(reason) in seeds_html for reason in cluster["source_explanation"])
