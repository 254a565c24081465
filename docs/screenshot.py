"""Make docs/screenshot.png: the example article's page in headless Chromium, one node searched.

Run: ``.venv/bin/python docs/screenshot.py [--search NAME] [--out docs/screenshot.png]``. Needs
Debian's ``chromium`` and playwright (the dev extra), as the browser tests do.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import kg

REPO = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--article", default=str(REPO / "examples/fr-microsoft-mai-openai.txt"))
    parser.add_argument("--search", default="OpenAI", help="name typed in the search box")
    parser.add_argument("--out", default=str(REPO / "docs/screenshot.png"))
    args = parser.parse_args()
    result = kg.build([args.article])
    with tempfile.TemporaryDirectory() as tmp:
        page_path = kg.write_html(kg.to_networkx(result.graph), Path(tmp) / "kg.html", title="kg")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(page_path.as_uri())
            page.wait_for_selector("html[data-kg-complete]", state="attached")
            page.fill("#kg-query", args.search)
            page.press("#kg-query", "Enter")
            page.evaluate("kgNetwork.fit({animation: false})")  # whole graph, node selected
            page.screenshot(path=args.out)
            browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
