"""The page in a real headless browser: Debian's chromium driven by Playwright, against `capplan serve`
started as a separate process on 127.0.0.1 (guided mode, a temporary SQLite file).

What a person does: type a description and press Enter, see the reply, the plan cards and a drawn chart;
ask a what-if and see the comparison; reload and restart the server and find the session again; paste
markup and see it as text; change an input in the form; open the report; use it on a phone-width screen.
"""
from __future__ import annotations

import os
import re
import zlib
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("uvicorn", reason="web extra not installed: pip install -e '.[web]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="web extra not installed: pip install -e '.[web]'")

from agent.web.local_run import CHROMIUM, CHROMIUM_FLAGS as FLAGS, ServeProcess as Server  # noqa: E402

DESCRIBE = "We run a support chatbot with 200k registered users, about 3,000 online at once, growing 8% a month"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = Server(tmp_path_factory.mktemp("web") / "sessions.db")
    s.start()
    yield s
    s.stop()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.problems = []  # console errors (a CSP violation shows here) and uncaught exceptions
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    pg.goto(server.url)
    yield pg
    context.close()


def send(pg: Any, text: str) -> None:
    box = pg.locator("textarea[name=message]")
    box.fill(text)
    box.press("Enter")


def wait_idle(pg: Any) -> None:
    pg.wait_for_function("() => !document.getElementById('send').disabled", timeout=30000)


def test_describe_then_reply_plan_card_and_chart(page: Any) -> None:
    assert page.evaluate("() => document.activeElement.name") == "message"  # keyboard first: the box has focus
    send(page, DESCRIBE)
    page.wait_for_selector("[data-card=cost] .value", timeout=30000)
    wait_idle(page)
    assert page.locator("textarea[name=message]").input_value() == ""  # Enter sent it
    log = page.inner_text("#log")
    assert DESCRIBE in log and "200,000 registered users" in log
    assert re.search(r"\$[\d,]+ /month", page.inner_text("[data-card=cost]"))
    chart = page.locator("[data-chart=cost-by-component] svg")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    bars = page.locator("[data-chart=cost-by-component] svg rect[height]").evaluate_all(
        "els => els.filter(e => parseFloat(e.getAttribute('height')) > 1).length")
    assert bars > 13  # month bars drawn, beyond the background
    assert page.locator("details.step[data-tool=forecast]").count() == 1
    page.locator("details.step[data-tool=forecast] summary").click()
    assert "registered_users" in page.inner_text("details.step[data-tool=forecast]")
    assert page.problems == []


def test_what_if_comparison_reload_and_restart(page: Any, server: Server) -> None:
    send(page, DESCRIBE)
    page.wait_for_selector("[data-card=cost]", timeout=30000)
    wait_idle(page)
    send(page, "what if we double our users?")
    page.wait_for_selector("[data-compare]", timeout=30000)
    wait_idle(page)
    table = page.inner_text("[data-compare]")
    assert "Registered users" in table and "+100%" in table and "400,000" in table
    url = page.url
    assert "#s=" in url
    page.reload()
    page.wait_for_selector("[data-card=cost]", timeout=30000)
    assert "what if we double our users?" in page.inner_text("#log")
    server.restart()
    page.goto(server.url.rstrip("/") + "/" + url.split("/", 3)[3])
    page.wait_for_selector("[data-card=cost]", timeout=30000)
    assert DESCRIBE in page.inner_text("#log")
    assert page.locator("#scenario option").count() == 2
    page.click("#toggle-sessions")
    assert page.locator("#session-list a[aria-current=page]").count() == 1
    assert page.problems == []


def test_markup_shows_as_text(page: Any) -> None:
    evil = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"><b>bold?</b>'
    send(page, evil)
    page.wait_for_function("() => document.querySelectorAll('#log .msg.assistant').length > 0", timeout=30000)
    wait_idle(page)
    assert evil in page.inner_text("#log .msg.user")
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("#log img, #log script, #log b").count() == 0
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#log .msg.user').length > 0", timeout=30000)
    assert evil in page.inner_text("#log .msg.user") and page.evaluate("() => window.__xss") is None


def test_inputs_panel_corrects_the_plan(page: Any) -> None:
    send(page, DESCRIBE)
    page.wait_for_selector("[data-card=cost]", timeout=30000)
    wait_idle(page)
    before = page.inner_text("[data-card=cost] .value")
    label = page.locator("label[for=in-registered-users]")
    assert "default" not in label.inner_text() and "default" in page.inner_text("label[for=in-horizon-months]")
    page.fill("#in-registered-users", "400000")
    page.fill("#in-concurrent-users", "6000")
    page.click("#inputs button[value=correction]")
    page.wait_for_function("b => document.querySelector('[data-card=cost] .value').textContent !== b", arg=before,
                           timeout=30000)
    wait_idle(page)
    assert "[inputs panel] Correction to baseline" in page.inner_text("#log")
    assert page.input_value("#in-registered-users") == "400000"


def test_report_opens_in_the_browser(page: Any, browser: Any, server: Server) -> None:
    send(page, DESCRIBE)
    page.wait_for_selector("[data-card=cost]", timeout=30000)
    wait_idle(page)
    href = page.get_attribute("a[data-download='Open the report']", "href")
    report = page.context.new_page()
    problems: list[str] = []
    report.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    report.goto(server.url.rstrip("/") + href)
    assert report.locator("h1").inner_text().startswith("Capacity plan")
    assert report.locator("[data-chart] svg").count() >= 2
    assert report.locator("#assumptions td").count() > 10
    html = report.content()
    assert "<script" not in html.lower()
    saved = Path(os.environ.get("TMPDIR", "/tmp")) / "capplan-browser-report.html"
    saved.write_text(html)
    offline = page.context.new_page()
    offline.goto(saved.as_uri())  # the file on its own, as someone it was mailed to opens it
    assert offline.locator("[data-chart=cost-by-component] svg rect").count() > 13
    assert problems == []


def test_phone_width_and_screenshot_not_blank(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    pg = context.new_page()
    pg.goto(server.url)
    send(pg, DESCRIBE)
    pg.wait_for_selector("[data-card=cost]", timeout=30000)
    wait_idle(pg)
    assert pg.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth + 1")  # no sideways scrolling
    assert pg.locator("textarea[name=message]").is_visible()
    png = pg.screenshot(full_page=True)
    assert distinct_bytes(png) > 100  # a blank page decodes to a handful of byte values
    context.close()


def distinct_bytes(png: bytes) -> int:
    """Distinct byte values in the PNG's decoded image data (white or one-colour pages have very few)."""
    pos, data = 8, b""
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind = png[pos + 4:pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(data)))


def test_blank_image_detector_detects_blank(browser: Any) -> None:
    pg = browser.new_page(viewport={"width": 300, "height": 200})
    pg.set_content("<html><body style='background:#fff'></body></html>")
    assert distinct_bytes(pg.screenshot()) < 10
    pg.close()
