"""Regenerate docs/web-page.png and docs/web-report.png: `capplan serve` in guided mode, a short
conversation typed into the page by headless chromium, then the report it offers.

    .venv/bin/python docs/screenshots.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from agent.web.local_run import CHROMIUM, CHROMIUM_FLAGS as FLAGS, ServeProcess as Server  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server = Server(Path(tmp) / "sessions.db")
        server.start()
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1500})
            page.goto(server.url)
            for text in ("We run a support chatbot with 200k registered users, about 3,000 online at once, "
                         "growing 8% a month", "what if we double our users?"):
                page.fill("textarea[name=message]", text)
                page.press("textarea[name=message]", "Enter")
                page.wait_for_function("() => !document.getElementById('send').disabled", timeout=30000)
            page.wait_for_selector("[data-compare]")
            page.locator("#charts").scroll_into_view_if_needed()
            page.evaluate("() => document.getElementById('plan').scrollTo(0, 0)")
            page.screenshot(path=str(ROOT / "docs" / "web-page.png"))
            href = page.get_attribute("a[data-download='Open the report']", "href")
            report = browser.new_page(viewport={"width": 1100, "height": 1500})
            report.goto(server.url.rstrip("/") + str(href))
            report.screenshot(path=str(ROOT / "docs" / "web-report.png"))
            browser.close()
        finally:
            server.stop()
    print("wrote docs/web-page.png and docs/web-report.png")


if __name__ == "__main__":
    main()
