"""The HTML report in a real browser (headless Chromium through Playwright).

One browser serves the whole session; each test gets a fresh context.
Playwright comes with the test extra; without it, or without Chromium,
these tests skip with the reason (CI installs both).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from benchmarks.html_screenshot import CHROMIUM_ARGS, chromium_path  # one launch recipe
from provenance import scan
from provenance.report import html as html_report
from provenance.report.json import scan_document
from tests.helpers import SEEDS, seed_id

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed: pip install -e '.[test]'")


# Every payload reports itself through pwn() (a sentinel the test defines
# before the page loads) or a dialog, and some try to load a remote file.
PAYLOADS = [
    "<script>pwn('script');alert('script')</script>",
    "</script><script>pwn('close-script')</script>",
    "<img src=x onerror=\"pwn('img');alert('img')\">",
    "\"><svg onload=pwn('svg-onload')>",
    "'><svg><script>pwn('svg-script')</script></svg>",
    "<a href=\"javascript:pwn('js-url')\">click</a> javascript:pwn('bare-url')",
    "<iframe srcdoc=\"<script>parent.pwn('iframe')</script>\"></iframe>",
    "<div onmouseover=\"pwn('hover')\">hover me</div>",
    "<input autofocus onfocus=\"pwn('focus')\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=pwn('mxss')>",
    "<style>@import 'http://127.0.0.1:9/x.css';</style><link rel=stylesheet href=https://127.0.0.1:9/y.css>",
    "{{ 7*7 }} {% raw %} <!-- --> <![CDATA[ x ]]> &lt;script&gt;",
]
PAYLOAD_TEXT = " ".join(PAYLOADS)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found: apt-get install chromium, or set CHROMIUM to its path")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """A page plus everything it did that a safe report never does."""

    page: object
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def pwned(self) -> list[str]:
        return self.page.evaluate("window.__pwned")


@pytest.fixture
def visit(browser):
    contexts = []

    def open_page(path: Path | None = None, *, bypass_csp: bool = False) -> Visit:
        context = browser.new_context(bypass_csp=bypass_csp, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        context.add_init_script("window.__pwned = []; window.pwn = function (n) { window.__pwned.push(String(n)); };")
        page = context.new_page()
        seen = Visit(page)
        page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        page.on("request", lambda r: seen.requests.append(r.url))

        def on_dialog(dialog):
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        if path is not None:
            page.goto(path.as_uri())
        return seen

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def seeds_report(seed_scan, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "seeds.html"
    path.write_text(html_report.render_scan(seed_scan), encoding="utf-8")
    return path


def ledger(page, prefix: str):
    return page.locator(f'details.relation[data-derived="{seed_id(prefix)}"]')


def test_seeds_report_opens_without_errors_or_requests(visit, seeds_report):
    seen = visit(seeds_report)
    assert seen.page.title().startswith("provenance report")
    assert seen.page.locator("details.relation[open]").count() == 4
    seen.page.locator(".sent").first.hover()
    assert seen.errors == []
    assert seen.requests == [seeds_report.as_uri()]


def test_shows_the_wire_as_the_source(visit, seeds_report):
    page = visit(seeds_report).page
    source = page.locator(".story .source-id")
    assert source.count() == 1
    assert source.locator(".aid").inner_text() == seed_id("002")
    assert "Reuters" in source.inner_text()
    # The graph's source node names it too.
    assert seed_id("002") in page.locator(".story svg .n-source title").text_content()


def test_added_sentence_is_marked_added_not_by_colour_alone(visit, seeds_report):
    page = visit(seeds_report).page
    sentence = ledger(page, "003").locator(
        '[data-side="d"] .sent', has_text="Mr. Trump briefly mentioned the territorial issue"
    )
    assert sentence.count() == 1
    assert "l-added" in sentence.get_attribute("class").split()
    assert sentence.is_visible()
    assert sentence.get_attribute("title").startswith("added")
    border, gutter = sentence.evaluate(
        "e => [getComputedStyle(e).borderLeftStyle, getComputedStyle(e, '::before').content]"
    )
    assert border == "dotted" and gutter.startswith('"+')


def linked_sentence(page, prefix: str, *, last: bool = False):
    """A derived sentence of that seed taken from the source, and its source sentences."""
    box = ledger(page, prefix)
    candidates = box.locator('[data-side="d"] .sent[data-links]')
    sentence = candidates.last if last else candidates.first
    box_id = box.get_attribute("id")
    sources = [box.locator(f"#{box_id}-s{j}") for j in sentence.get_attribute("data-links").split()]
    return sentence, sources


def classes(locator) -> list[str]:
    return locator.get_attribute("class").split()


def test_focusing_a_sentence_highlights_its_wire_sentences(visit, seeds_report):
    page = visit(seeds_report).page
    sentence, sources = linked_sentence(page, "001")
    assert sources
    sentence.focus()
    for source in sources:
        assert "linked-focus" in classes(source)
        assert source.evaluate("e => getComputedStyle(e).outlineStyle") == "dashed"
    others = ledger(page, "001").locator(".sent.linked-focus")
    assert others.count() == len(sources)
    page.evaluate("document.activeElement.blur()")
    assert ledger(page, "001").locator(".sent.linked-focus").count() == 0


def test_hovering_a_sentence_highlights_and_reveals_its_wire_sentence(visit, seeds_report):
    page = visit(seeds_report).page
    sentence, sources = linked_sentence(page, "001", last=True)
    sentence.scroll_into_view_if_needed()
    sentence.hover()
    assert all("linked-hover" in classes(source) for source in sources)
    # The source column scrolled (within itself) to show the first of them.
    in_view = sources[0].evaluate(
        "e => { const c = e.parentElement; return e.offsetTop >= c.scrollTop"
        " && e.offsetTop + e.offsetHeight <= c.scrollTop + c.clientHeight; }"
    )
    assert in_view
    page.mouse.move(0, 0)
    assert not any("linked-hover" in classes(source) for source in sources)


def test_keyboard_moves_within_and_across_columns(visit, seeds_report):
    page = visit(seeds_report).page
    box = ledger(page, "001")
    box_id = box.get_attribute("id")
    box.locator(f"#{box_id}-d0").focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == f"{box_id}-d1"
    first_source = box.locator(f"#{box_id}-d1").get_attribute("data-links").split()[0]
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.id") == f"{box_id}-s{first_source}"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_table_sorts_by_a_column(visit, seeds_report):
    page = visit(seeds_report).page
    table = page.locator("table.derived").first
    header = table.locator("th", has_text="Added")
    added = lambda: [float(v) for v in table.locator("tbody tr td:nth-child(8)").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)")]
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert added() == sorted(added()) and added() != sorted(added(), reverse=True)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert added() == sorted(added(), reverse=True)


def test_graph_link_opens_a_collapsed_ledger(visit, seeds_report):
    page = visit(seeds_report).page
    page.evaluate("document.querySelectorAll('details.relation').forEach(d => { d.open = false; })")
    link = page.locator("a.node-link").nth(1)
    target = link.get_attribute("href")[1:]
    link.click()
    assert page.locator(f"#{target}").evaluate("d => d.open")


# ---------------------------------------------------------------- hostile input


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """Seeds rewritten with payloads in text, titles, outlets, ids, urls and file names."""
    folder = tmp_path_factory.mktemp("hostile")
    inputs = folder / "in"
    inputs.mkdir()
    seed = {p.stem[:3]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    (inputs / "wire.json").write_text(json.dumps({
        "id": "wire <script>pwn('id')</script>",
        "title": "<img src=x onerror=pwn('title')> \u2028",
        "outlet": "Reuters\"><svg onload=pwn('outlet')>",
        "url": "javascript:pwn('url')",
        "published": "2024-11-11",
        "text": seed["002"],
    }), encoding="utf-8")
    (inputs / "<img src=x onerror=pwn('file')>.txt").write_text(
        seed["000"] + "\n\n" + PAYLOAD_TEXT + "\n", encoding="utf-8")
    (inputs / "\"><svg onload=pwn('file2')>.md").write_text(
        seed["004"] + "\n\n" + PAYLOAD_TEXT + "\n", encoding="utf-8")
    (inputs / "feed.json").write_text(json.dumps([
        {"id": "lone <b>bold</b>", "title": "t <svg onload=pwn('title2')>",
         "outlet": "o</title><script>pwn('outlet2')</script>", "text": seed["001"] + "\n\n" + PAYLOAD_TEXT},
        {"id": "javascript:pwn('id2')", "url": "https://127.0.0.1:9/track.png",
         "text": seed["003"] + "\n\n" + PAYLOAD_TEXT},
    ]), encoding="utf-8")
    # Unreadable inputs: their names and the messages about them are shown too.
    (inputs / "surrogates.json").write_text(json.dumps({"id": "\ud800<b>", "text": "x \udfff"}), encoding="utf-8")
    (inputs / "<script>pwn('bad-utf8');alert(9)<!--.txt").write_bytes(b"caf\xe9 \xff\xfe broken")
    (inputs / "lines.jsonl").write_text("{\"text\": \"<script>pwn('jsonl')</script>\n", encoding="utf-8")
    result = scan([inputs])
    assert len(result.problems) >= 2 and result.relations
    # The reader turns lone surrogates away; put some where the renderer
    # would meet them if another producer let them through.
    document = scan_document(result)
    document["articles"][0]["title"] = "lone \ud800 <i>surrogate</i> \udfff"
    sentence = document["relations"][0]["sentences"][0]
    sentence["text"] = "\udc00" + sentence["text"][1:]
    path = folder / "report.html"
    path.write_text(html_report.render_scan_document(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_input_executes_nothing(visit, hostile_report, bypass_csp):
    seen = visit(hostile_report, bypass_csp=bypass_csp)
    page = seen.page
    for summary in page.locator("details:not([open]) > summary").all():
        summary.click()
    for sentence in page.locator(".sent", has_text="pwn(").all():
        sentence.hover()
        sentence.focus()
    for button in page.locator("button.sort").all():
        button.click()
    for link in page.locator("a.node-link").all():
        link.click()
    assert seen.pwned() == []
    assert seen.dialogs == []
    assert seen.errors == []
    assert seen.requests == [hostile_report.as_uri()]
    # Nothing became markup: the payloads are on the page as text.
    text = page.evaluate("document.body.textContent")
    for fragment in ("</script><script>pwn('close-script')</script>", "onerror=", "<svg onload=pwn('outlet')>",
                     "javascript:pwn('url')", "pwn('bad-utf8')", "lone <b>bold</b>", "{{ 7*7 }}",
                     "lone \ufffd <i>surrogate</i> \ufffd"):
        assert fragment in text
    foreign = page.evaluate(
        "() => [document.querySelectorAll('img, iframe, input, math, link[rel=stylesheet], b, i').length,"
        " document.scripts.length,"
        " [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length]"
    )
    assert foreign == [0, 1, 0]


def test_the_hooks_catch_a_payload_that_runs(visit):
    # The sentinel and dialog hooks above would see an injection.
    seen = visit()
    seen.page.set_content("<img src=x onerror=\"pwn('probe')\"><script>alert('probe')</script>")
    assert seen.pwned() == ["probe"]
    assert seen.dialogs == ["probe"]


def test_a_long_outlet_wraps_inside_the_table_and_short_ones_stay_whole(visit, tmp_path):
    """An outlet is untrusted: 300 characters without a space wrap inside
    their cell instead of pushing the page past the window; a site name
    such as the seeds' stays on one line."""
    from provenance import Article, read_articles

    seeds = {a.id: a for a in read_articles([SEEDS])}
    wire, copy = seeds[seed_id("002")], seeds[seed_id("000")]
    long_name = "z" * 300
    from provenance import scan_articles

    result = scan_articles([wire, Article(id="copy", text=copy.text, outlet=long_name, origin="copy.txt")])
    path = tmp_path / "long.html"
    path.write_text(html_report.render_scan(result), encoding="utf-8")
    page = visit(path).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert _lines(page.locator("table.derived td:nth-child(2)", has_text="zzz").first) > 3
    seeds_page = tmp_path / "seeds.html"
    seeds_page.write_text(html_report.render_scan(scan([SEEDS])), encoding="utf-8")
    seen = visit(seeds_page).page
    for name in ("vnexpress.net", "gazzeta.in.ua"):
        assert _lines(seen.locator("table.derived td:nth-child(2)", has_text=name).first) == 1, name


def _lines(cell) -> int:
    """How many lines the text of a table cell takes on the page."""
    return cell.evaluate("el => { const r = document.createRange(); r.selectNodeContents(el); "
                         "return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }")

