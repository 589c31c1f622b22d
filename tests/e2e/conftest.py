"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, while the tests' own ORM calls stay
    # synchronous. Set only while browsers run, so no other test (or child process) inherits it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


FAILURE_SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "failed"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Kept on the test item so the page fixtures can tell at teardown whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _screenshot_if_failed(request, pages, prefix: str) -> None:
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages):
        if not page.is_closed():
            page.screenshot(path=str(FAILURE_SCREENSHOTS / f"{request.node.name}-{prefix}{number}.png"), full_page=True)


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900})
    # Fail a missing element in seconds, not Playwright's default 30; page loads may take longer on a busy
    # CI machine (the first one imports every view).
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(30_000)
    page = context.new_page()
    yield page
    _screenshot_if_failed(request, [page], "page")
    context.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """Open another, separate browser session (a second person) on the live server."""
    contexts = []

    def open_page(locale: str = "ja-JP"):
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    _screenshot_if_failed(request, [page for context in contexts for page in context.pages], "other")
    for context in contexts:
        context.close()


# axe-core's impact levels that fail a page; "minor" and "moderate" findings are reported by axe but are
# judgement calls (e.g. best-practice region rules) that would make the suite flaky to keep green.
AXE_FAILING_IMPACTS = ("serious", "critical")


class AccessibilityViolations(AssertionError):
    """axe-core found serious or critical violations; the message lists each with its selectors."""


def axe_report(violations: list[dict], url: str) -> str:
    lines = [f"axe-core: {len(violations)} serious/critical violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


# axe-core from the npm registry (package.json, package-lock.json; `make test-e2e` runs `npm ci`).
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _inject_axe(page) -> None:
    """Put axe-core into the page, once per document."""
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    if not AXE_SCRIPT.is_file():
        raise RuntimeError(f"{AXE_SCRIPT} is missing: run `npm ci --no-audit --no-fund` (make test-e2e does).")
    # Playwright evaluates through the DevTools protocol, which the page's CSP does not govern; a <script> tag
    # (page.add_script_tag) would be refused by the portal's script-src, as it should be.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))


def run_axe(page, *, ignore: tuple[str, ...] = ()) -> list[dict]:
    """Run axe-core on the page as it is now; return the serious and critical violations not ignored."""
    _inject_axe(page)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        violation
        for violation in results["violations"]
        if violation["impact"] in AXE_FAILING_IMPACTS and violation["id"] not in ignore
    ]


def _check_in_other_language(page, *, ignore: tuple[str, ...]) -> str | None:
    """Open the page's address again in the other language, in a sibling tab of the same session, and check it.

    Returns the address checked, or None when the address answers only a POST (a confirmation page or a form
    shown with its errors), which cannot be fetched again.
    """
    from django.conf import settings

    current = page.locator("html").get_attribute("lang")
    other = "en" if current == "ja" else "ja"
    context = page.context
    cookie = settings.LANGUAGE_COOKIE_NAME
    saved = [c for c in context.cookies() if c["name"] == cookie]
    # Chromium refuses to show an empty 405 answer, so ask first whether the address answers a GET.
    if context.request.get(page.url, max_redirects=0).status == 405:
        return None
    origin = "/".join(page.url.split("/")[:3]) + "/"
    context.clear_cookies(name=cookie)
    context.add_cookies([{"name": cookie, "value": other, "url": origin}])
    sibling = context.new_page()
    try:
        sibling.goto(page.url)
        assert sibling.locator("html").get_attribute("lang") == other, f"{page.url} did not switch to {other}"
        violations = run_axe(sibling, ignore=ignore)
        if violations:
            raise AccessibilityViolations(axe_report(violations, f"{page.url} [{other}]"))
        return f"{page.url} [{other}]"
    finally:
        sibling.close()
        context.clear_cookies(name=cookie)
        if saved:
            context.add_cookies(saved)


@pytest.fixture
def axe_check():
    """`axe_check(page)`: fail the test when the current page has serious or critical axe-core violations.

    The report names each rule, its impact, the selectors of the failing elements and axe's help. With
    `both_languages=True` the same address is also opened and checked in the other language (GET only; a page
    that answered a POST is checked as shown). `ignore=("rule-id",)` skips named rules for this one check: use
    it only for a known, tracked violation, never to make a page pass. `axe_check.checked` lists the pages
    checked, so a test can assert that it looked at what it meant to.
    """
    checked: list[str] = []

    def check(page, *, both_languages: bool = False, ignore: tuple[str, ...] = ()) -> None:
        page.wait_for_load_state()
        violations = run_axe(page, ignore=ignore)
        if violations:
            raise AccessibilityViolations(axe_report(violations, page.url))
        checked.append(f"{page.url} [{page.locator('html').get_attribute('lang')}]")
        if both_languages:
            other = _check_in_other_language(page, ignore=ignore)
            if other is not None:
                checked.append(other)

    check.checked = checked
    return check
