"""Browser tests: Playwright drives Debian's Chromium against the production run (`make serve`'s processes).

The session starts gunicorn, a worker per queue and beat (portal.serve) on the session's PostgreSQL test
database and Redis; the test process shares their configuration (PORTAL_E2E=1: database, Redis, files in
DATA_DIR, mail as files), so a journey makes its data through the services and the served processes see it.
Run through `make test-e2e`, which sets PORTAL_E2E=1, DATABASE_URL, REDIS_URL, DATA_DIR and the mail folder.
"""

import email
import email.policy
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db.backends.signals import connection_created

from portal import test_settings
from tests.e2e.worlds import wait_for_the_workers
from tests.production import ROOT, free_port, get_json, wait_for, worker_environment

# Mail as files (EMAIL_BACKEND, EMAIL_FILE_PATH), as configured: pytest-django swaps the test process's
# settings to its in-memory backend, which no served process could write to.
MAILERS = test_settings.MAILERS
MAIL_FOLDER = Path(MAILERS["default"].get("OPTIONS", {}).get("file_path", "."))
E2E = bool(
    test_settings.E2E
    and test_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and test_settings.REDIS_URL
    and MAILERS["default"]["BACKEND"].endswith("filebased.EmailBackend")
)


@pytest.fixture
def live_server():
    raise RuntimeError("The browser tests run against the production run: use the `served` fixture's base URL.")


@pytest.fixture(scope="session", autouse=True)
def _flush_wins_deadlocks():
    """pytest-django empties the tables after each test with one TRUNCATE of them all, which can deadlock with a
    served process's transaction (a beat task). PostgreSQL aborts the waiter whose deadlock_timeout runs out
    first: a longer one here makes the served task the one aborted (its error is logged, it runs again)."""

    def longer_deadlock_timeout(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET deadlock_timeout = '10s'")

    connection_created.connect(longer_deadlock_timeout, weak=False)
    yield
    connection_created.disconnect(longer_deadlock_timeout)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to honcho, which stops every process gracefully; SIGKILL to the whole group if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def served(django_db_setup) -> str:
    """The base URL of the production run: gunicorn, the `celery` and `pdf` workers and beat (portal.serve),
    on this session's test database, Redis, DATA_DIR and mail folder; ready when /readyz reports them all."""
    if not E2E:
        # Fail loudly rather than skip or fall back to an in-process server: that would prove much less.
        raise RuntimeError(
            "Browser tests need PORTAL_E2E=1, DATABASE_URL (PostgreSQL), REDIS_URL, DATA_DIR and mail as files "
            "(EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend, EMAIL_FILE_PATH): run make test-e2e."
        )
    port = free_port()
    env = worker_environment(
        PORTAL_E2E="1",
        # As in production: the portal's own error pages, static files from collectstatic's folder.
        DEBUG="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="4",
        CELERY_WORKER_CONCURRENCY="1",
        PDF_WORKER_CONCURRENCY="1",
        WORKER_SHUTDOWN_TIMEOUT="2",
        PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        EMAIL_BACKEND=MAILERS["default"]["BACKEND"],
        EMAIL_FILE_PATH=str(MAIL_FOLDER),
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set while the browser runs; the served processes must not have it
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    log_path = Path(settings.DATA_DIR) / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "portal.serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:

        def ready():
            if process.poll() is not None:
                raise RuntimeError(f"The production run exited early (rc={process.returncode})")
            answer = get_json(f"{base_url}/readyz")
            return answer[1] if answer and answer[1]["status"] == "ok" else None

        wait_for(ready, timeout=120, interval=0.5)
    except BaseException:
        _stop(process)
        tail = log_path.read_text(errors="replace")[-5000:]
        print(f"The production run did not become ready; the end of {log_path}:\n{tail}", file=sys.stderr)
        raise
    yield base_url
    _stop(process)


@pytest.fixture(autouse=True)
def _fresh_services(served, transactional_db, settings):
    """Each test starts from an empty cache and mailbox and ends when the workers have done what it queued,
    before pytest-django empties the tables under them."""
    from django.core.cache import cache
    from redis import Redis

    client = Redis.from_url(settings.CACHES["default"]["LOCATION"])
    # Only the cache's keys: the same Redis database holds the broker's queues and bindings.
    stale = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
    if stale:
        client.delete(*stale)
    client.close()
    shutil.rmtree(MAIL_FOLDER, ignore_errors=True)
    settings.MAILERS = MAILERS
    yield
    wait_for_the_workers()


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str


class Mailbox:
    """The mails the portal sent during this test, read from the folder of Django's file-based mail backend."""

    SEPARATOR = b"\n" + b"-" * 79 + b"\n"

    def __init__(self, folder: Path):
        self.folder = folder

    def __iter__(self):
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.log")):
            # The backend appends each message and then its separator: a message still being written is skipped.
            for raw in path.read_bytes().split(self.SEPARATOR)[:-1]:
                message = email.message_from_bytes(raw, policy=email.policy.default)
                body = message.get_body(preferencelist=("plain",))
                yield Mail(
                    to=tuple(address.strip() for address in str(message["To"]).split(",")),
                    subject=str(message["Subject"]),
                    body=body.get_content() if body is not None else "",
                )

    def to(self, address: str, *, timeout: float = 30) -> Mail:
        """The first mail to `address`, waiting for a worker to send it."""
        return wait_for(lambda: next((mail for mail in self if address in mail.to), None), timeout=timeout)


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox(MAIL_FOLDER)


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
def page(browser, served, request):
    context = browser.new_context(base_url=served, locale="ja-JP", viewport={"width": 1280, "height": 900})
    # Fail a missing element in seconds, not Playwright's default 30; page loads may take longer on a busy
    # CI machine (the first one imports every view).
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(30_000)
    page = context.new_page()
    yield page
    _screenshot_if_failed(request, [page], "page")
    context.close()


@pytest.fixture
def new_page(browser, served, request):
    """Open another, separate browser session (a second person) on the production run."""
    contexts = []

    def open_page(locale: str = "ja-JP"):
        context = browser.new_context(base_url=served, locale=locale, viewport={"width": 1280, "height": 900})
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
