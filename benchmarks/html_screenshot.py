"""Screenshot an HTML report in headless Chromium, to look at it.

    provenance scan seeds --format html -o report.html
    python benchmarks/html_screenshot.py report.html -o report.png --full-page
    python benchmarks/html_screenshot.py report.html -o ledger.png --focus 'details.relation:nth-of-type(2) [data-side=d] .sent'
    python benchmarks/html_screenshot.py report.html -o graph.png --element 'figure.graph'
    python benchmarks/html_screenshot.py report.html -o print.png --print --scroll-to 'details.relation'

Needs Playwright's Python package (the ``test`` extra) and a Chromium: the
``CHROMIUM`` environment variable, else ``chromium`` on the PATH. Playwright's
own browser download is not used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    """The Chromium to drive: $CHROMIUM, else ``chromium`` on the PATH."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def launch(playwright):
    executable = chromium_path()
    if executable is None:
        raise SystemExit("no Chromium found: install it (e.g. apt-get install chromium) or set CHROMIUM")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="an HTML report written by provenance")
    parser.add_argument("-o", "--output", type=Path, required=True, help="PNG file to write")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full-page", action="store_true", help="capture the whole page, not the viewport")
    parser.add_argument("--open-all", action="store_true", help="open every collapsed ledger first")
    parser.add_argument("--focus", metavar="SELECTOR", help="focus the first element matching this CSS selector")
    parser.add_argument("--hover", metavar="SELECTOR", help="hover over the first element matching this selector")
    parser.add_argument("--scroll-to", metavar="SELECTOR", help="scroll this element to the top of the viewport")
    parser.add_argument("--print", action="store_true", help="emulate print media (greyscale check, layout)")
    parser.add_argument("--element", metavar="SELECTOR", help="capture only the first element matching this selector")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(args.report.resolve().as_uri())
        if args.open_all or args.print:
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        if args.print:
            page.emulate_media(media="print")
        if args.scroll_to:
            page.locator(args.scroll_to).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        if args.focus:
            page.locator(args.focus).first.focus()
        if args.hover:
            page.locator(args.hover).first.hover()
        if args.element:
            page.locator(args.element).first.screenshot(path=str(args.output))
        else:
            page.screenshot(path=str(args.output), full_page=args.full_page)
        browser.close()
    for error in errors:
        print(f"console error: {error}", file=sys.stderr)
    print(f"wrote {args.output}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
