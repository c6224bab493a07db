"""Headless Debian Chromium against the app over the seed index (real encoder): no good answer,
more results, a filter, paste-a-paragraph, copy-citation, the document view's centring and
marking, the widget's states (429, 500, CORS refused; mocked), and dark-mode contrast (WCAG AA,
from computed colours). Screenshots go to ``test-output/``."""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from search.searcher import Searcher
from web import create_app

pytest_plugins = ("tests.web_conftest",)
pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).absolute().parents[1]
OUT = ROOT / "test-output"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TIMEOUT_MS = 30_000
PARAGRAPH = (
    "我们正在起草关于推动绿色低碳发展的标准化工作意见，计划在未来三年内完善碳排放核算、碳足迹标识和"
    "能效标准体系，并加强与国际标准组织的协调，鼓励企业参与国际标准的制定。"
) * 6


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    """Another origin serving ``examples/`` (an intranet portal)."""
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(ROOT / "examples"))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def serve(app) -> tuple[str, object]:
    """``app`` on a port the OS chose (read back, never guessed)."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_port}", httpd


@pytest.fixture(scope="module")
def seed_searcher(web_seed_index: Path) -> Searcher:
    return Searcher.open(web_seed_index)


@pytest.fixture(scope="module")
def server(seed_searcher: Searcher, portal: str) -> Iterator[str]:
    """The app over the seed index, allowing the portal's origin."""
    base, httpd = serve(create_app({"rate_limit": 0, "cors_origins": portal}, seed_searcher))
    yield base
    httpd.shutdown()


@pytest.fixture(scope="module")
def closed_server(seed_searcher: Searcher) -> Iterator[str]:
    """The same app with no CORS origins allowed: a browser refuses its answers to the portal."""
    base, httpd = serve(create_app({"rate_limit": 0}, seed_searcher))
    yield base
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium on PATH: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()


def new_page(browser, **context):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", **context)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    return page


@pytest.fixture
def page(browser):
    p = new_page(browser)
    yield p
    p.context.close()


def shot(page, name: str, full: bool = False) -> None:
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)


def search(page, server: str, q: str) -> None:
    page.goto(server + "/")
    page.fill("#q", q)
    page.keyboard.press("Enter")
    page.wait_for_selector("p.summary")


def test_no_good_answer(page, server: str) -> None:
    search(page, server, "medieval castle siege weapons trebuchet")
    box = page.locator(".no-good")
    assert box.is_visible() and "No good answer" in box.inner_text()
    assert page.locator("li.result.match-good").count() == 0
    assert page.locator("h2.divider").inner_text() == "Weaker matches"
    shot(page, "no-good-answer")
    search(page, server, "ESG standards in China")
    assert page.locator(".no-good").count() == 0
    assert page.locator("li.result.match-good").count() >= 3
    assert not page.js_errors, page.js_errors


def test_more_results(page, server: str) -> None:
    search(page, server, "standards")
    summary = page.locator("p.summary").inner_text()
    shown = re.search(
        r"10 passages in (\d+) articles? for “standards” \(1–10 of (about )?\d+\)", summary
    )
    assert shown, summary
    cards = page.locator("ol.results:not(.nested) > li.result").count()  # one per article
    assert 1 <= int(shown.group(1)) <= cards  # the rest are folded under their article
    first = set(
        page.locator("li.result:not(.other)").evaluate_all("els => els.map(e => e.dataset.chunk)")
    )
    page.click("button.more-results")
    page.wait_for_url(re.compile(r"offset=10"))
    assert re.search(
        r"10 passages in \d+ articles? .*\(11–20 of", page.locator("p.summary").inner_text()
    )
    second = set(
        page.locator("li.result:not(.other)").evaluate_all("els => els.map(e => e.dataset.chunk)")
    )
    assert second and not first & second
    shot(page, "more-results")


def test_filter_by_document(page, server: str) -> None:
    search(page, server, "标准化 人才")
    page.click("details.filters summary")
    label = page.locator("fieldset.docs label").filter(has_text="China Standardization")
    count = int(label.locator(".count").inner_text())
    assert count > 0
    label.locator("input").check()
    page.click("button.apply")
    page.wait_for_url(re.compile(r"doc=china-standardization"))
    badges = page.locator("li.result .badge").all_text_contents()
    assert badges and set(badges) == {"EN"}
    assert page.locator("fieldset.docs input:checked").count() == 1
    shot(page, "filter-document")


def test_paste_a_paragraph(page, server: str) -> None:
    page.goto(server + "/")
    page.click("a.mode")
    page.wait_for_selector("textarea#q")
    page.fill("textarea#q", PARAGRAPH)
    page.click("form.search button[type=submit]")
    page.wait_for_selector("li.result")
    assert "q=" not in page.url  # sent in the body, never in the address
    assert page.locator("textarea#q").input_value() == PARAGRAPH.strip()
    summary = page.locator("p.summary").inner_text()
    assert "…" in summary and len(summary) < 200  # the long query is shortened
    assert page.locator("li.result.match-good").count() >= 1
    shot(page, "paste-a-paragraph")


def test_copy_citation(browser, server: str) -> None:
    p = new_page(browser, permissions=["clipboard-read", "clipboard-write"])
    try:
        search(p, server, "ESG standards in China")
        button = p.locator("li.result").first.locator("button.copy-chicago")
        expected = button.get_attribute("data-citation")
        button.click()
        p.wait_for_selector("button.copy-chicago[data-copied]")
        copied = p.evaluate("navigator.clipboard.readText()")
        assert copied == expected
        assert "/doc/" in copied and "#" in copied and "chars" not in copied
        gbt = p.locator("li.result").first.locator("button.copy-gbt7714")
        gbt.click()
        p.wait_for_function("() => document.querySelector('button.copy-gbt7714[data-copied]')")
        assert "[J/OL]" in p.evaluate("navigator.clipboard.readText()")
        shot(p, "copy-citation")
    finally:
        p.context.close()


def test_document_view_centres_and_marks_the_passage(page, server: str) -> None:
    search(page, server, "GB/T 37283-2019")  # found whole at rank 1
    result = page.locator("ol.results:not(.nested) > li.result:has(.snippet mark)").first
    chunk = result.get_attribute("data-chunk")
    result.locator("a.title").click()
    page.wait_for_url(re.compile(rf"#{re.escape(chunk)}$"))
    page.wait_for_timeout(300)
    target = page.locator(f"section.passage.cited[id='{chunk}']")
    box = target.bounding_box()
    centre = box["y"] + box["height"] / 2
    assert abs(centre - 450) < 120, f"passage centre at {centre}px of a 900px window"
    assert target.locator("mark").count() >= 1
    assert "GB/T 37283-2019" in " ".join(target.locator("mark").all_inner_texts())
    assert target.locator("span.snip").count() >= 1
    bar = page.locator(".docbar").bounding_box()
    assert bar["y"] == 0, "the title bar stays at the top"
    assert page.locator(".docbar a.back").is_visible()
    shot(page, "document-view")
    page.click(".docbar a.back")
    page.wait_for_selector("li.result")
    assert "GB/T 37283-2019" in page.locator("#q").input_value()


def test_permalink_opens_the_part_of_a_long_document(page, server: str) -> None:
    """``/doc/<id>#<passage>`` of a passage far into the 360-passage magazine: the part that
    holds it opens, the passage in view below the title bar, the page a few screens tall."""
    doc = "china-standardization-2024-04"
    page.goto(f"{server}/api/documents/{doc}")
    chunks = json.loads(page.locator("body").inner_text())["chunks"]
    chunk = chunks[len(chunks) * 4 // 5]["chunk_id"]
    page.goto(f"{server}/doc/{doc}#{chunk}")
    page.wait_for_url(re.compile(rf"\?at={re.escape(chunk)}#{re.escape(chunk)}$"))
    target = page.locator(f"section.passage[id='{chunk}']")
    target.wait_for()
    page.wait_for_timeout(300)
    box, bar = target.bounding_box(), page.locator(".docbar").bounding_box()
    assert box["y"] >= bar["y"] + bar["height"], "the title bar covers the passage"
    assert box["y"] + box["height"] <= 900
    assert re.search(r"Part \d+ of \d+", page.locator("nav.parts-top").inner_text())
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 20_000, f"the page is {height} px tall"
    page.click("nav.parts-top a.next-part, nav.parts-top a.prev-part")
    page.wait_for_url(re.compile(r"part=\d+"))
    assert page.locator(f"section.passage[id='{chunk}']").count() == 0
    assert not page.js_errors, page.js_errors


# --- widget -----------------------------------------------------------------------------------


def widget(page, portal: str, server: str):
    page.goto(f"{portal}/intranet.html?server={server}")
    return page.locator("#box input[type=search]")


def fulfil(status: int, body: str, headers: dict[str, str]):
    def handler(route) -> None:
        route.fulfill(status=status, body=body, headers=headers)

    return handler


@pytest.mark.parametrize(
    ("status", "body", "headers", "state", "words"),
    [
        (
            429,
            json.dumps({"error": {"code": "too_many_requests", "message": "slow down"}}),
            {"Retry-After": "7", "Content-Type": "application/json"},
            "ratelimited",
            "try again in 7 s",
        ),
        (
            500,
            "<html><body>Internal Server Error</body></html>",
            {"Content-Type": "text/html"},
            "server",
            "The search server had a problem",
        ),
    ],  # fmt: skip
)
def test_widget_error_states(page, portal, server, status, body, headers, state, words) -> None:
    allow = {"Access-Control-Allow-Origin": portal, "Access-Control-Expose-Headers": "Retry-After"}
    page.route("**/api/search?*", fulfil(status, body, {**headers, **allow}))
    expect_state(page, widget(page, portal, server), state, words)


def test_widget_cors_refused(page, portal: str, closed_server: str) -> None:
    """A real refusal: the server does not list the portal's origin."""
    text = expect_state(page, widget(page, portal, closed_server), "cors", "(CORS)")
    assert portal in text and "cors_origins" in text  # the fix: which origin to allow, where


def expect_state(page, box, state: str, words: str) -> str:
    box.fill("ESG")
    box.press("Enter")
    page.wait_for_function(
        "s => document.querySelector('#box').shadowRoot.querySelector('p.status')"
        ".getAttribute('data-state') === s",
        arg=state,
    )
    text = page.locator("#box p.status").inner_text()
    assert words in text and "Failed to fetch" not in text and "Unexpected token" not in text
    shot(page, f"widget-{state}")
    return text


def test_widget_loading_empty_and_live_search(page, portal: str, server: str) -> None:
    box = widget(page, portal, server)
    box.type("medieval castle siege weapons trebuchet", delay=20)  # no Enter: search as you type
    page.wait_for_function(
        "() => document.querySelector('#box').shadowRoot.querySelector('p.status')"
        ".getAttribute('data-state') === 'nogood'"
    )
    assert "No good answer" in page.locator("#box p.status").inner_text()
    assert page.locator("#box li.weakmatch").count() >= 1
    links = page.locator("#box li a.context")
    assert links.first.get_attribute("target") == "_blank"
    assert links.first.get_attribute("rel") == "noopener noreferrer"
    shot(page, "widget-no-good-answer", full=True)
    box.fill("ESG standards in China")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#box').shadowRoot.querySelector('p.status')"
        ".getAttribute('data-state') === 'done'"
    )
    status = page.locator("#box p.status")
    assert re.search(r"^5 passages in [1-5] articles? \(of (about )?\d+\)$", status.inner_text())
    more = page.locator("#box button.more")
    assert more.is_visible()
    more.click()
    page.wait_for_function(
        "() => document.querySelector('#box').shadowRoot.querySelectorAll('li:not(.divider)')"
        ".length >= 10"
    )
    page.wait_for_function(
        "() => document.querySelector('#box').shadowRoot.querySelector('p.status')"
        ".textContent.startsWith('10 passages in ')"
    )
    assert not page.js_errors, page.js_errors


def test_widget_filters_by_date_and_shows_counts(page, portal: str, server: str) -> None:
    box = widget(page, portal, server)
    page.locator("#box input.date").first.fill("2024")
    box.fill("标准化 人才")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#box').shadowRoot.querySelector('p.status')"
        ".getAttribute('data-state') === 'done'"
    )
    badges = page.locator("#box li .badge").all_text_contents()
    assert badges and set(badges) == {"EN"}  # the 2023 Chinese bulletin is outside the range
    options = page.locator("#box select").nth(1).locator("option").all_text_contents()
    assert any(re.search(r"\(\d+\)$", o) for o in options), options  # facet counts
    shot(page, "widget-date-filter")


# --- dark mode --------------------------------------------------------------------------------

COLOURS = """els => els.map(el => {
  const bg = e => { for (; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; }
    return getComputedStyle(document.documentElement).backgroundColor; };
  return [el.tagName + '.' + el.className, getComputedStyle(el).color, bg(el)];
})"""


def luminance(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_contrast_meets_wcag_aa(browser, server: str, scheme: str) -> None:
    p = new_page(browser, color_scheme=scheme)
    try:
        search(p, server, "ESG standards in China")
        p.locator("button.copy").first.wait_for()
        selectors = (
            "#q, button, .summary, .citation, .snippet, mark, a, label, .heading, .weak-badge"
        )
        rows = p.locator(selectors).evaluate_all(COLOURS)
        assert len(rows) > 20
        low = [
            (n, fg, bg, round(contrast(fg, bg), 2)) for n, fg, bg in rows if contrast(fg, bg) < 4.5
        ]
        assert not low, low
        shot(p, f"contrast-{scheme}")
    finally:
        p.context.close()
