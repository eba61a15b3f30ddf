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
    """A derived sentence of that seed taken from the source, and the source
    sentences beside it in its row."""
    box = ledger(page, prefix)
    candidates = box.locator('[data-side="d"] > .sent[data-links]')
    sentence = candidates.last if last else candidates.first
    row = box.locator(f"tr:has(#{sentence.get_attribute('id')})")
    sources = [row.locator(f'[data-side="s"] > .sent[data-n="{j}"]') for j in sentence.get_attribute("data-links").split()]
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
    # Every copy of them in the ledger lights up (a reused sentence stands in two rows), nothing else.
    links = sentence.get_attribute("data-links").split()
    others = ledger(page, "001").locator(".sent.linked-focus")
    assert sorted(set(others.evaluate_all("es => es.map(e => e.dataset.n)"))) == sorted(links)
    assert others.evaluate_all("es => es.every(e => e.parentElement.dataset.side === 's')")
    page.evaluate("document.activeElement.blur()")
    assert ledger(page, "001").locator(".sent.linked-focus").count() == 0


def test_hovering_a_sentence_highlights_and_reveals_its_wire_sentence(visit, seeds_report):
    page = visit(seeds_report).page
    sentence, sources = linked_sentence(page, "001", last=True)
    sentence.scroll_into_view_if_needed()
    sentence.hover()
    assert all("linked-hover" in classes(source) for source in sources)
    # Beside it in its row: in view in the ledger's scroll box, which did not move the page.
    in_view = sources[0].evaluate(
        "e => { const c = e.closest('.ledger').getBoundingClientRect(), r = e.getBoundingClientRect();"
        " return r.top >= c.top && r.bottom <= c.bottom; }"
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
    # Across to the source sentence beside it (in the same row), and back.
    page.keyboard.press("ArrowRight")
    active = page.evaluate(
        "id => { const e = document.activeElement; return [e.parentElement.dataset.side, e.dataset.n,"
        " e.closest('tr') === document.getElementById(id).closest('tr')]; }", f"{box_id}-d1")
    assert active == ["s", first_source, True]
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.parentElement.dataset.side") == "s"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.id") == f"{box_id}-d1"


def test_table_sorts_by_a_column(visit, seeds_report):
    page = visit(seeds_report).page
    table = page.locator("table.derived").first
    header = table.locator("th", has_text="Copied")
    added = lambda: [float(v) for v in table.locator("tbody tr td:nth-child(6)").evaluate_all(
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


# What each reused sentence came from, in a row beside it: read by script
# from the page as laid out, no hover, no focus.
ROWS_JS = """box => [...box.querySelectorAll('[data-side="d"] > .sent[data-links]')].map(d => {
  const row = d.closest('tr'), a = d.getBoundingClientRect();
  const first = row.querySelector('[data-side="d"] > .sent').getBoundingClientRect();
  const sources = [...row.querySelectorAll('[data-side="s"] > .sent')].map(s => {
    const b = s.getBoundingClientRect(), style = getComputedStyle(s);
    return {n: s.dataset.n, text: s.innerText.trim(), left: b.left, top: b.top, width: b.width,
            height: b.height, shown: style.visibility === 'visible' && style.display !== 'none'};
  });
  return {links: d.dataset.links.split(' '), left: a.left, right: a.right, top: first.top, sources};
})"""


def assert_sources_beside(box):
    # A ledger far off screen is not laid out (content-visibility): bring it in.
    box.evaluate("e => e.scrollIntoView({block: 'start'})")
    rows = box.evaluate(ROWS_JS)
    assert len(rows) >= 3
    for row in rows:
        assert [s["n"] for s in row["sources"]] == row["links"]
        for source in row["sources"]:
            assert source["shown"] and source["text"] and source["width"] > 200 and source["height"] > 10
            assert source["left"] >= row["right"]  # to the right, side by side
        # The first of them starts level with the row's first sentence.
        assert abs(row["sources"][0]["top"] - row["top"]) < 2


@pytest.mark.parametrize("prefix", ["000", "001", "004"])
def test_source_sentences_show_beside_each_reused_sentence_without_hover(visit, seeds_report, prefix):
    page = visit(seeds_report).page
    page.mouse.move(0, 0)
    box = ledger(page, prefix)
    assert box.locator(".sent.linked-hover, .sent.linked-focus").count() == 0
    assert_sources_beside(box)
    # Their text is the source's sentences' own.
    source = seed_id("002")
    assert box.locator('[data-side="s"] .sent', has_text="There are no concrete plans yet.").count() >= 1 or prefix == "004"
    assert source in box.locator("table.pairs th").last.inner_text()


def test_print_shows_every_row_with_its_source_sentences(visit, seeds_report):
    page = visit(seeds_report).page
    page.emulate_media(media="print")
    for prefix in ("000", "001", "003", "004"):
        box = ledger(page, prefix)
        assert_sources_beside(box)
        # Nothing is clipped in a scroll box: paper does not scroll.
        assert box.locator(".ledger").evaluate("e => [getComputedStyle(e).overflowY, e.scrollHeight <= e.clientHeight + 1]") \
            == ["visible", True]
        assert box.locator(".sent").evaluate_all("es => es.every(e => e.getBoundingClientRect().height > 0)")
    # Dropped source sentences print too, and the model's workings do not.
    assert ledger(page, "001").locator('[data-side="s"] .sent.l-dropped').first.is_visible()
    assert not ledger(page, "001").locator(".facts .model").is_visible()
    page.emulate_media(media="screen")
    assert ledger(page, "001").locator(".facts .model").is_visible()


def test_aligned_rows_share_one_scroll_container(visit, seeds_report):
    page = visit(seeds_report).page
    box = ledger(page, "004")  # the longest ledger: it scrolls
    scroller = box.locator(".ledger")
    assert scroller.evaluate("e => e.scrollHeight > e.clientHeight + 100")
    # The nearest scrolling ancestor of a sentence and of its source sentence is the same box.
    same = box.evaluate("""box => {
      const scroller = e => { for (let p = e.parentElement; p; p = p.parentElement) {
        const y = getComputedStyle(p).overflowY;
        if ((y === 'auto' || y === 'scroll') && p.scrollHeight > p.clientHeight) return p; } return null; };
      return [...box.querySelectorAll('[data-side="d"] > .sent[data-links]')].map(d => {
        const s = d.closest('tr').querySelector('[data-side="s"] > .sent');
        return scroller(d) === scroller(s) && scroller(d) === box.querySelector('.ledger'); });
    }""")
    assert same and all(same)
    # Scrolled half way, the rows are still level: nothing scrolls on its own.
    scroller.evaluate("e => { e.scrollTop = e.scrollHeight / 2; }")
    assert_sources_beside(box)
    assert scroller.evaluate("e => e.scrollTop") > 100
    # The column headings stay in view.
    heading, frame = box.locator("table.pairs th").first.bounding_box(), scroller.bounding_box()
    assert abs(heading["y"] - frame["y"]) < 3


def test_graph_nodes_carry_a_title_or_date_inside_their_box(visit, seeds_report):
    page = visit(seeds_report).page
    nodes = page.locator(".story svg g.node").evaluate_all("""gs => gs.map(g => {
      const box = g.querySelector('rect').getBBox();
      return {lines: [...g.querySelectorAll('text')].map(t => t.textContent),
              inside: [...g.querySelectorAll('text')].every(t => {
                const r = t.getBoundingClientRect(), b = g.querySelector('rect').getBoundingClientRect();
                return r.left >= b.left && r.top >= b.top && r.bottom <= b.bottom + 1; })};
    })""")
    assert len(nodes) == 5
    by_name = {node["lines"][0]: node for node in nodes}
    assert by_name["Reuters"]["lines"][1].startswith("2024-11-11 · Kremlin says")
    assert by_name["gazzeta.in.ua"]["lines"][1].startswith("2024-12-06 · Pure fiction")
    assert by_name[seed_id("000")]["lines"][1] == "2024-11-12"
    assert by_name["vnexpress.net"]["lines"][1] == seed_id("003")
    assert all(node["inside"] for node in nodes)
    assert len({tuple(node["lines"][:2]) for node in nodes}) == 5


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
    closed = page.locator("details:not([open]) > summary")
    while closed.count():
        closed.first.click()
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

