"""Screenshots of the main pages for the README, taken with Debian's Chromium.

.venv/bin/python bench/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]

Start the site on the sample corpus first (`make run`). Saves, each
1280 × 1100 CSS pixels:

  search.png      search results for 数据安全, with the facets
  document.png    the 「數據要素×」 plan (国数政策〔2023〕11号), its outline beside the text
  statistics.png  the statistics page with its charts drawn
  compare.png     北京市 beside 浙江省 for 数据安全
  excerpts.png    a 摘编 of clauses taken from the plan and from a search for 数据安全
  instruments.png the policies of that 摘编 side by side, instrument by instrument
"""

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import Error, sync_playwright  # noqa: E402 (after sys.path)

from tests.chromium import CHROMIUM  # noqa: E402

VIEWPORT = {"width": 1280, "height": 1100}
X_PLAN = "国数政策〔2023〕11号"

# Chart.js animates the charts in; draw them in their final state at once.
FINISH_CHARTS = """() => {
  for (const canvas of document.querySelectorAll('.chart canvas')) {
    const chart = window.Chart.getChart(canvas);
    chart.options.animation = false;
    chart.update();
  }
}"""


def document_path(page) -> str:
    """The 「數據要素×」 plan's page, found by its 文号 as a user would."""
    page.goto("/?" + urlencode({"q": X_PLAN}))
    hit = page.locator(".hits .hit h3 a")
    if not hit.count():
        sys.exit(f"no document answers {X_PLAN}: is the sample corpus ingested (make run)?")
    return urlsplit(hit.first.get_attribute("href")).path


def excerpts_path(page, plan: str) -> str:
    """Take two of the plan's clauses and two search hits, as an analyst
    would; the 摘编 page they make."""
    page.goto(plan)
    for text in ("創新研發模式", "落實數據安全法規制度"):
        page.locator("li.clause").filter(has_text=text).first.locator("button.excerpt").click()
    page.goto("/?" + urlencode({"q": "数据安全"}))
    hits = page.locator(".hits > .hit").filter(has_not_text="三年行")
    for n in (0, 3):
        hits.nth(n).locator("button.excerpt").click()
    return page.locator("a.excerpts-link").get_attribute("href")


def take(page, out: Path) -> None:
    plan = document_path(page)
    shots = {
        "search.png": "/?" + urlencode({"q": "数据安全"}),
        "document.png": plan,
        "statistics.png": "/stats/",
        "compare.png": "/compare/?"
        + urlencode([("q", "数据安全"), ("region", "北京市"), ("region", "浙江省")]),
        "excerpts.png": excerpts_path(page, plan),
    }
    page.goto(shots["excerpts.png"])
    shots["instruments.png"] = page.locator("a.compare-link").get_attribute("href")
    for name, path in shots.items():
        page.goto(path)
        if name == "statistics.png":
            page.wait_for_selector(".chart:not([hidden]) canvas")
            page.evaluate(FINISH_CHARTS)
        page.screenshot(path=out / name)
        print(out / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running site")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(base_url=args.url, viewport=VIEWPORT, locale="zh-CN")
        page.set_default_timeout(15_000)
        try:
            take(page, args.out)
        except Error as error:
            sys.exit(f"{args.url}: {error.message.splitlines()[0]} (is the site running?)")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
