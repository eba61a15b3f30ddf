"""How long a large HTML report takes to render and to open in Chromium.

    python benchmarks/html_scale.py                 # 1,000 articles
    python benchmarks/html_scale.py -n 200 -o big.html

Builds a synthetic feed from the seeds: stories of ten articles, each the
seeds' wire story, its four rewrites and five varied copies (sentences
dropped, swapped and borrowed from another rewrite). Every story but the
first passes its words through its own letter substitution, so the stories
do not share shingles and the feed clusters into separate stories, as real
news does. Prints the time to scan, to render, the file size, and the
browser's timings for opening the file. Times are wall-clock (render also
in CPU seconds) and depend on the machine and on what else it is running.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
STORY_SIZE = 10


def cipher(seed: int):
    """A letter substitution of its own per story; story 0 stays readable."""
    if seed == 0:
        return lambda text: text
    letters = list(string.ascii_lowercase)
    random.Random(seed).shuffle(letters)
    table = str.maketrans(string.ascii_lowercase + string.ascii_uppercase,
                          "".join(letters) + "".join(letters).upper())
    return lambda text: text.translate(table)


def varied_copy(text: str, other: str, rng: random.Random) -> str:
    """A copy with paragraphs dropped, neighbours swapped and a few borrowed."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    borrowed = [p for p in other.split("\n\n") if p.strip()]
    kept = [p for p in paragraphs if rng.random() > 0.25] or paragraphs[:1]
    for i in range(0, len(kept) - 1, 2):
        if rng.random() < 0.3:
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    for _ in range(rng.randint(1, 3)):
        kept.insert(rng.randrange(len(kept) + 1), rng.choice(borrowed))
    return "\n\n".join(kept)


def synthetic_feed(count: int) -> list[dict]:
    seeds = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    names = list(seeds)
    rng = random.Random(7)
    articles = []
    for story in range(-(-count // STORY_SIZE)):
        encode = cipher(story)
        texts = [seeds[name] for name in names]
        for _ in range(STORY_SIZE - len(texts)):
            texts.append(varied_copy(rng.choice(texts[: len(names)]), rng.choice(texts[: len(names)]), rng))
        for number, text in enumerate(texts):
            articles.append({
                "id": f"s{story:03d}-{number:02d}",
                "outlet": f"outlet-{rng.randrange(40):02d}.example" if number else None,
                "text": encode(text),
            })
    return articles[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--articles", type=int, default=1000)
    parser.add_argument("-o", "--output", type=Path, help="keep the HTML report here")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from html_screenshot import launch
    from playwright.sync_api import sync_playwright

    from provenance import scan
    from provenance.report import html as html_report
    from provenance.report.json import scan_document

    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "feed.jsonl"
        feed.write_text("".join(json.dumps(a) + "\n" for a in synthetic_feed(args.articles)), encoding="utf-8")
        started = time.perf_counter()
        result = scan([feed])
        scanned = time.perf_counter() - started

        started, cpu = time.perf_counter(), time.process_time()
        page = html_report.render_scan_document(scan_document(result))
        rendered, rendered_cpu = time.perf_counter() - started, time.process_time() - cpu
        report = args.output or Path(folder) / "report.html"
        report.write_text(page, encoding="utf-8")

        with sync_playwright() as playwright:
            browser = launch(playwright)
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            started = time.perf_counter()
            tab.goto(report.resolve().as_uri(), wait_until="load")
            opened = time.perf_counter() - started
            timing = tab.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " const p = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));"
                " return {dom: n.domContentLoadedEventEnd, load: n.loadEventEnd,"
                " paint: p['first-contentful-paint'] || null}; }"
            )
            started = time.perf_counter()
            tab.locator("details.relation").last.locator(":scope > summary").click()
            tab.locator("details.relation").last.locator("[data-side=d] .sent").first.focus()
            interaction = time.perf_counter() - started
            browser.close()

    stories = sum(1 for s in result.stories if s.members)
    print(f"articles {len(result.documents)}, stories with reuse {stories}, related articles {len(result.relations)}")
    print(f"scan             {scanned:8.2f} s")
    print(f"render HTML      {rendered:8.2f} s   ({rendered_cpu:.2f} s CPU; {len(page.encode('utf-8')) / 1e6:.1f} MB)")
    print(f"open in Chromium {opened:8.2f} s   (DOMContentLoaded {timing['dom'] / 1000:.2f} s, "
          f"first contentful paint {(timing['paint'] or 0) / 1000:.2f} s, load {timing['load'] / 1000:.2f} s)")
    print(f"open the last ledger and focus a sentence {interaction:.2f} s")
    for error in errors:
        print(f"console error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
