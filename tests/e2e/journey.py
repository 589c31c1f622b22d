"""Steps the browser journeys share: signing in as a person would, following confirmations, looking at a page.

"Looking" at a page means what a reviewer would do with it: check it with axe-core in both languages and keep
a screenshot (under var/screenshots/, kept by CI as an artefact).
"""

import re
from pathlib import Path

from django.utils import translation
from django.utils.text import capfirst
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def t(text, language: str = "ja", *, context: str | None = None) -> str:
    """The portal's own wording of `text` (a message id or a lazy label) in `language`, as a user reads it."""
    with translation.override(language):
        if not isinstance(text, str):
            return str(text)
        return translation.pgettext(context, text) if context else translation.gettext(text)


def exactly(text: str) -> re.Pattern:
    """A pattern matching the whole of an accessible name (Playwright's `exact` ignores surrounding space)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def two_factor_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(
    page, user, *, device: TOTPDevice | None = None, language: str | None = None, on_login_page: bool = False
) -> None:
    """Sign in through the login form (and the code form with `device`), by the labels the page shows.

    The portal then speaks the user's `preferred_language`, whatever the browser asks for. With
    `on_login_page` the page already shows the login form (the portal sent the user there, with a `next`).

    A TOTP code is accepted once: sign the same user in again in a later 30-second step, or with another device.
    """
    if not on_login_page:
        page.goto("/accounts/login/")
    language = language or page.locator("html").get_attribute("lang")
    # Django's own labels: the model's field names, capitalised.
    page.get_by_label(capfirst(t("username", language))).fill(user.username)
    page.get_by_label(capfirst(t("password", language))).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=t("Sign in", language)).click()
    if device is not None:
        page.wait_for_url("**/two-factor/verify/**")
        # Signing in switches to the user's own preferred language.
        language = page.locator("html").get_attribute("lang")
        page.get_by_label(t("Code", language)).fill(str(totp(device.bin_key)).zfill(6))
        page.locator("main").get_by_role("button", name=t("Verify", language)).click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{user.username} was not signed in"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def look(page, axe_check, name: str, *, ignore: tuple[str, ...] = ()) -> None:
    """Check the page with axe-core in both languages and keep its screenshot as `name`."""
    shot(page, name)
    axe_check(page, both_languages=True, ignore=ignore)


def follow(page, control) -> None:
    """Click a link or button and wait for the page it leads to (not the one still shown)."""
    with page.expect_navigation():
        control.click()


def confirm_if_asked(page, axe_check, name: str) -> None:
    """Irreversible actions may ask for a confirmation first: check that page and confirm."""
    confirmation = page.locator("main form:has(input[name=confirm])")
    if confirmation.count():
        look(page, axe_check, f"{name}-confirm")
        follow(page, confirmation.first.locator("button[type=submit]").first)


def act(page, axe_check, name: str, button) -> None:
    """Press a button that runs a transition, following a confirmation step when one is shown."""
    follow(page, button)
    confirm_if_asked(page, axe_check, name)


def flash(page) -> str:
    """The text of the messages the portal flashed after an action."""
    return " ".join(page.locator("main .messages").all_inner_texts())


def fact(page, label: str) -> str:
    """The value a facts list (`<dl class="facts">`) shows for `label`."""
    term = page.locator("dl.facts dt", has_text=exactly(label)).first
    return term.locator("xpath=following-sibling::dd[1]").inner_text().strip()
