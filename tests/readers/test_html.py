"""Saved web pages: the main text without the page's boilerplate, the
page's metadata and encoding, pages that are not pages refused, hostile
markup never run or expanded, the same text on every run, and the seeds
read from pages wrapped in site navigation as from their plain files."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from provenance import read_articles, scan
from provenance.readers import ReadOptions, reader_for
from provenance.readers.html import HTML, MAX_PAGE_ELEMENTS, html_text
from tests.readers.conftest import outcome, read_reporting as _read
from tests.readers.test_feed import SEED_META, paragraphs_html

pytest.importorskip("trafilatura")

REPO = Path(__file__).resolve().parents[2]

#: The boilerplate each page is wrapped in, and a sentence of each part that must not reach the text.
BOILERPLATE = {
    "cookie": "We use cookies to give you the best experience on our website and to show you relevant adverts.",
    "newsletter": "Sign up for our free morning briefing and never miss the stories that matter to you.",
    "comment": "I have been saying this for years and nobody in the comments ever listens to me at all.",
    "related": "Storm warnings issued for the whole coast as the weekend approaches",
    "footer": "Registered office: 1 Market Street. All rights reserved.",
}

def page_html(body: str, *, title: str, site: str, published: str | None = None, author: str | None = None,
              url: str | None = None, charset: str = "utf-8") -> str:
    """``body`` as the article of a news page wrapped in a cookie banner, a
    header with navigation, breadcrumbs, share buttons, a newsletter box,
    related links, comments and a footer, with the usual meta tags."""
    meta = [f'<meta charset="{charset}">', f"<title>{html.escape(title)} | {html.escape(site)}</title>",
            f'<meta property="og:site_name" content="{html.escape(site)}">',
            f'<meta property="og:title" content="{html.escape(title)}">']
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}T08:00:00Z">')
    if author:
        meta.append(f'<meta name="author" content="{html.escape(author)}">')
    if url:
        meta.append(f'<link rel="canonical" href="{url}">')
    nav = "".join(f'<li><a href="/{name.lower()}">{name}</a></li>'
                  for name in ("Home", "World", "Politics", "Business", "Sport", "Opinion"))
    return f"""<!DOCTYPE html>
<html lang="en"><head>{"".join(meta)}
<script>window.dataLayer = ["<p>not article text</p>"];</script><style>p {{ margin: 0 }}</style></head>
<body>
<div class="cookie-banner">{BOILERPLATE["cookie"]} <button>Accept all</button> <a href="/privacy">Manage</a></div>
<header><a class="logo" href="/">{html.escape(site)}</a><nav><ul>{nav}</ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/world">World</a></div>
<main>
<article>
<h1>{html.escape(title)}</h1>
{body}
</article>
<div class="share">Share this article <a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>
<div class="newsletter"><h3>Morning briefing</h3><p>{BOILERPLATE["newsletter"]}</p>
<form><input type="email"><button>Subscribe</button></form></div>
<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/a">Markets rally as investors weigh the outlook for rates</a></li>
<li><a href="/b">{BOILERPLATE["related"]}</a></li></ul></aside>
<section class="comments"><h3>2 comments</h3>
<div class="comment"><span class="user">reader1</span><p>{BOILERPLATE["comment"]}</p></div>
<div class="comment"><span class="user">reader2</span><p>Great piece, thank you for writing it.</p></div></section>
</main>
<footer><p>&copy; 2024 {html.escape(site)}. {BOILERPLATE["footer"]}</p>
<ul><li><a href="/about">About us</a></li><li><a href="/terms">Terms</a></li></ul></footer>
<script>track("page")</script>
</body></html>"""


def seed_url(article) -> str:
    return f"https://{SEED_META[article.id[:3]][4]}/world/{article.id}"


def seed_page(article, *, line_breaks: bool = False, links: bool = False) -> str:
    """A seed as its outlet's page: its text in the article, the site around
    it; ``links`` marks names up as topic links and phrases as emphasis, as
    news sites do."""
    title, site, published, author, _ = SEED_META[article.id[:3]]
    body = paragraphs_html(article.text, line_breaks=line_breaks)
    if links:
        for name in ("Washington Post", "Reuters", "Kremlin", "Peskov", "Trump"):
            body = body.replace(f" {name} ", f' <a href="/topic/{name.lower().replace(" ", "-")}">{name}</a> ')
        body = body.replace("pure fiction", "<em>pure fiction</em>").replace("Putin", "<strong>Putin</strong>")
    return page_html(body, title=title, site=site, published=published, author=author, url=seed_url(article))


STORY = ("The council approved the budget on Monday after months of talks with residents.\n"
         "\u201cWe have listened carefully,\u201d the mayor told reporters.\n"
         "A decision on the new bridge is expected next month, officials said.")


def story_page(**options) -> str:
    defaults = {"title": "Council approves budget", "site": "The Daily Planet", "published": "2024-11-12",
                "author": "Sam Writer", "url": "https://planet.example/local/council-budget"}
    return page_html(paragraphs_html(STORY), **{**defaults, **options})



def test_a_page_gives_its_main_text_and_metadata(tmp_path):
    path = tmp_path / "council.html"
    path.write_text(story_page(), encoding="utf-8")
    [article] = read_articles([path])
    assert reader_for(path) is HTML and article.id == "council" and article.origin == str(path)
    assert article.text.split("\n\n") == ["Council approves budget", *STORY.split("\n")]
    assert (article.title, article.outlet, article.author, article.published, article.url, article.encoding) == (
        "Council approves budget", "The Daily Planet", "Sam Writer", "2024-11-12",
        "https://planet.example/local/council-budget", "utf-8")
    assert article.origin.path == str(path) and not article.origin.whole_file
    for part in (*BOILERPLATE.values(), "not article text", "Accept all", "Share this article", "Politics"):
        assert part not in article.text


def test_paragraphs_and_line_breaks_are_kept():
    text = html_text("<div><h2>Head</h2><p>One\n  line &amp; <b>bold</b>.</p><p>Two<br>three</p>"
                     "<ul><li>Item</li></ul><table><tr><td>a</td><td>b</td></tr></table></div>")
    assert text == "Head\n\nOne line & bold.\n\nTwo\nthree\n\nItem\n\na b"


@pytest.mark.parametrize("data, encoding, word", [
    ('<meta charset="windows-1252"><p>Caf\u00e9 owners protest the new \u20ac5 parking fee in town.</p>'.encode("cp1252"),
     "cp1252", "Caf\u00e9"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>Stra\u00dfe closed for works this week.</p>'
     .encode("latin-1"), "cp1252", "Stra\u00dfe"),
    ("<p>Zürich council meets to discuss the plan for the lake.</p>".encode("utf-16"), "utf-16", "Zürich"),
    (b"\xef\xbb\xbf" + "<p>Résumé of the council meeting held on Monday evening.</p>".encode(), "utf-8", "Résumé"),
    ("<p>Kraków council meets to discuss the new tram line.</p>".encode(), "utf-8", "Kraków"),
])
def test_the_encoding_comes_from_the_bytes(tmp_path, data, encoding, word):
    path = tmp_path / "page.htm"
    path.write_bytes(b"<html><body>" + data + b"</body></html>" if not data.startswith((b"\xff\xfe", b"\xfe\xff"))
                     else data)
    [article] = read_articles([path])
    assert article.encoding == encoding and word in article.text


def test_an_undeclared_legacy_encoding_is_detected(tmp_path):
    text = "<html><body><p>Les élèves de l'école française ont préparé une fête très réussie.</p>" * 3
    path = tmp_path / "page.html"
    path.write_bytes((text + "</body></html>").encode("cp1252"))
    [article] = read_articles([path])
    assert article.encoding in ("cp1252", "iso8859-1") and "élèves" in article.text


def test_a_given_encoding_wins(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes("<p>Caf\u00e9 owners protest the new parking fee.</p>".encode("cp1252"))
    [article] = read_articles([path], options=ReadOptions(encoding="cp1252"))
    assert article.encoding == "cp1252" and "Caf\u00e9" in article.text


def test_a_page_with_no_main_text_is_reported(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text('<html><head><title>Home</title></head><body><nav><a href="/">Home</a></nav>'
                    "<script>render()</script></body></html>", encoding="utf-8")
    articles, problems = _read(path)
    assert articles == [] and [(p.origin, p.reason) for p in problems] == [
        (str(path), "no main text found: the page holds only navigation and boilerplate, or nothing")]


@pytest.mark.parametrize("content, reason", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
     "not an HTML page: it is a PDF document, not text; convert it to text first (e.g. pdftotext)"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title></channel></rss>',
     "not an HTML page: it is an RSS or Atom feed (.rss, .atom)"),
    (b"\x00\x01\x02\x03" * 64, "not an HTML page: it is binary data"),
    (b"The council met on Monday.", "no HTML markup: not an HTML page (plain text reads as .txt)"),
    (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\n", "not an HTML page: it is a WARC web archive (.warc)"),
    (b"  \n", "empty file: no HTML page"),
])
def test_what_is_not_a_page_is_refused(tmp_path, content, reason):
    path = tmp_path / "saved.html"
    path.write_bytes(content)
    articles, problems = _read(path)
    assert articles == [] and [(p.origin, p.reason) for p in problems] == [(str(path), reason)]


def test_this_tool_s_own_html_report_is_passed_over(tmp_path, seed_articles):
    from provenance.readers import Skipped

    for article in seed_articles:
        (tmp_path / f"{article.id}.txt").write_text(article.text, encoding="utf-8")
    report = tmp_path / "report.html"
    done = subprocess.run([sys.executable, "-m", "provenance", "scan", str(tmp_path), "--format", "html",
                           "-o", str(report)], capture_output=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    problems = []
    articles = read_articles([tmp_path], on_error=problems.append)
    assert len(articles) == 5 and all(a.id != "report" for a in articles)
    assert [(p.origin, p.reason, type(p)) for p in problems] == [
        (str(report), "a provenance report, not an article: passed over", Skipped)]


def test_hostile_markup_is_never_run_fetched_or_expanded(tmp_path):
    lol = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(2, 10))
    body = ("<p>The council met on Monday &amp; passed the budget &lol9; after a long debate.</p>"
            "<p>It will take effect &xxe; next year, officials said on Tuesday evening.</p>"
            "<script>document.write('<p>injected paragraph</p>')</script><img src=x onerror=alert(1)>"
            "<iframe src='https://tracker.example/'>frame text</iframe><!-- <p>hidden comment</p> -->")
    path = tmp_path / "hostile.xhtml"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY lol "lol">{lol}'
                    f'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                    f'<html xmlns="http://www.w3.org/1999/xhtml"><body><article>{body}</article></body></html>',
                    encoding="utf-8")
    [article] = read_articles([path])
    assert "lollol" not in article.text and "root:" not in article.text and len(article.text) < 300
    for injected in ("injected", "alert", "frame text", "hidden comment"):
        assert injected not in article.text
    assert "passed the budget" in article.text


def test_a_page_past_the_element_limit_is_refused(tmp_path):
    path = tmp_path / "links.html"
    path.write_text("<html><body><p>Links follow.</p>" + "<a href='/x'>x</a>" * MAX_PAGE_ELEMENTS
                    + "</body></html>", encoding="utf-8")
    articles, problems = _read(path)
    assert articles == [] and len(problems) == 1 and "HTML elements, over the 50,000" in problems[0].reason


def test_deep_nesting_costs_nothing(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><body><p>The council met on Monday to pass the budget for next year.</p>"
                    + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>", encoding="utf-8")
    articles, problems = _read(path)
    assert [a.text for a in articles] == ["The council met on Monday to pass the budget for next year."]


def test_without_trafilatura_each_page_is_one_error_naming_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura now fails
    for name in ("a.html", "b.htm"):
        (tmp_path / name).write_text(story_page(), encoding="utf-8")
    articles, problems = _read(tmp_path)
    assert articles == [] and len(problems) == 2
    assert all(p.reason.startswith("reading .html needs trafilatura: pip install 'provenance-news[html]'")
               for p in problems)


def test_standard_input_is_recognised_as_a_page():
    import io

    assert HTML.sniff(b"<!-- saved -->\n<!DOCTYPE html><html>") and not HTML.sniff(b'{"text": "x"}')
    [article] = read_articles(["-"], stdin=io.BytesIO(story_page().encode("utf-8")))
    assert article.origin == "<stdin>" and article.title == "Council approves budget"


def test_pages_read_the_same_on_every_run(tmp_path):
    for number in range(3):
        (tmp_path / f"page{number}.html").write_text(story_page(url=f"https://planet.example/{number}"),
                                                     encoding="utf-8")
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "provenance", "scan", str(tmp_path), "--format", "json"],
                              capture_output=True, env=env, cwd=REPO, check=False)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1 and json.loads(outputs.pop())


@pytest.mark.parametrize("style", [{}, {"line_breaks": True}, {"links": True}],
                         ids=["paragraphs", "line-breaks", "links-and-emphasis"])
def test_the_seeds_as_pages_give_the_plain_seeds_outcome(tmp_path, seed_articles, seeds_outcome, style):
    for article in seed_articles:
        (tmp_path / f"{article.id}.html").write_text(seed_page(article, **style), encoding="utf-8")
    result = scan([tmp_path], jobs=1)
    assert outcome(result) == seeds_outcome
    wire = next(d for d in result.documents if d.id.startswith("002"))
    assert (wire.outlet, wire.published, wire.title) == ("Reuters", "2024-11-11", SEED_META["002"][0])
    assert ("002", "000", "copy", False) in seeds_outcome["relations"]
