"""Headless Chromium against a real gunicorn server over the seed index (real encoder).

(a) search from ``/``, see cited results, open one in context; (b) the intranet example page,
served from another origin, searching through the widget (CORS + Shadow DOM) and the iframe.
Screenshots go to ``test-output/``.
"""

from __future__ import annotations

import functools
import json
import subprocess
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.web_conftest import CHROMIUM_NAMES, find_chromium, start_web, stop

pytest_plugins = ("tests.web_conftest",)
pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).absolute().parents[1]
OUT = ROOT / "test-output"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def host_origin() -> Iterator[str]:
    """A second, unrelated origin serving ``examples/`` (like an intranet portal)."""
    handler = functools.partial(QuietHandler, directory=str(ROOT / "examples"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server(web_seed_index: Path, host_origin: str, tmp_path_factory) -> Iterator[str]:
    """``python -m web`` on the seed index (port 0, read back), allowing the intranet origin."""
    procs: list[subprocess.Popen] = []
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {"SEARCH_CORS_ORIGINS": host_origin}
    try:
        yield start_web(procs, web_seed_index, log, "--workers", "2", env=env)
    finally:
        for proc in procs:
            stop(proc)


@pytest.fixture(scope="module")
def browser():
    chromium_path = find_chromium()
    if chromium_path is None:
        pytest.skip(f"no {' or '.join(CHROMIUM_NAMES)} on PATH: install Debian's 'chromium'")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


# A query whose first answer does not depend on ranking details: an identifier is found whole
# at rank 1 (README, Evaluate). The tests here are about the page, not about ranking.
QUERY = "GB/T 37283-2019"
ANSWER = "GB/T 37283-2019"


def test_search_then_open_in_context(page, server: str) -> None:
    OUT.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.fill("#q", QUERY)
    page.keyboard.press("Enter")
    page.wait_for_selector("li.result")
    results = page.locator("li.result")
    assert results.count() >= 5
    first = results.first
    assert first.locator(".badge").inner_text() in ("EN", "中文")
    assert ANSWER in first.locator(".snippet").inner_text()
    assert first.locator(".citation .doc").inner_text()
    assert first.locator("button.copy").first.is_visible()  # JS revealed the copy button
    page.screenshot(path=str(OUT / "search-esg.png"), full_page=True)

    href = first.locator("a.context").get_attribute("href")
    chunk_id = href.split("#", 1)[1]
    first.locator("a.context").click()
    page.wait_for_url(f"**/doc/**#{chunk_id}")
    target = page.locator(":target")
    assert target.get_attribute("id") == chunk_id
    assert ANSWER in target.inner_text()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900, "the cited passage is scrolled into view"
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "passage is highlighted"
    page.screenshot(path=str(OUT / "doc-in-context.png"))
    assert not page.js_errors, page.js_errors


def test_intranet_page_uses_widget_and_iframe(page, server: str, host_origin: str) -> None:
    OUT.mkdir(exist_ok=True)
    page.goto(f"{host_origin}/intranet.html?server={server}")
    box_input = page.locator("#box input[type=search]")  # Playwright pierces the shadow root
    box_input.fill(QUERY)
    box_input.press("Enter")
    page.locator("#box ol.results li:has(a.context)").first.wait_for()
    widget_results = page.locator("#box ol.results li:has(a.context)")  # not the divider
    assert widget_results.count() == 5
    assert ANSWER in widget_results.first.inner_text()
    link = widget_results.first.locator("a.context")
    assert link.get_attribute("target") == "_blank"  # a new tab: the portal stays
    assert link.get_attribute("href").startswith(server + "/doc/")
    style = widget_results.first.evaluate(
        "el => [getComputedStyle(el).color, getComputedStyle(el).fontSize]"
    )
    assert style != ["rgb(128, 0, 128)", "22px"] and style[1] != "22px", "host CSS leaked in"
    query = urllib.parse.urlencode({"q": QUERY, "k": 5})
    with urllib.request.urlopen(f"{server}/api/search?{query}", timeout=30) as resp:
        texts = [r["text"] for r in json.load(resp)["results"]]
    for raw, item in zip(texts, widget_results.all(), strict=True):
        text = " ".join(raw.split())  # the page collapses white space, line breaks included
        shown = " ".join(item.locator(".snippet").inner_text().strip("…").split())
        at = text.find(shown)
        assert at >= 0, shown
        end = at + len(shown)
        assert at == 0 or not (text[at - 1] + shown[0]).isalnum(), "starts inside a word"
        assert end == len(text) or not (shown[-1] + text[end]).isalnum(), "ends inside a word"
    other = page.locator("#box section.other")  # the other language's best, on their own
    assert other.locator("h3").inner_text() == "What the Chinese sources say"
    assert 1 <= other.locator("li:has(a.context)").count() <= 3
    assert set(other.locator(".badge").all_text_contents()) == {"中文"}
    host_li = page.locator("#widget-way > ul > li")
    assert host_li.evaluate("el => getComputedStyle(el).fontSize") == "22px"  # host unharmed

    frame = page.frame_locator("#search-frame")
    frame.locator("li.result").first.wait_for()
    assert frame.locator("li.result").count() >= 1
    assert frame.locator("a.context").first.get_attribute("target") == "_blank"
    page.wait_for_timeout(300)  # let fonts settle before the picture
    page.screenshot(path=str(OUT / "widget-intranet.png"), full_page=True)
    assert not page.js_errors, page.js_errors
