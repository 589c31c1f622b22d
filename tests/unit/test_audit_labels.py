"""Every code the audit trail holds has a label in the reader's language; no page shows a raw code."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from disclosures.models.audit import OTHER_EVENT_LABELS, event_label
from disclosures.services.audit import record_event
from disclosures.states import Action
from portal.accounts.models import Role
from tests.auth import login
from tests.factories import member

ROOT = Path(__file__).resolve().parents[2]
WRITTEN = re.compile(r'(?:record_event\(\s*action|_event\([^)]*?action|record_refusal\(request,)\s*=?\s*"([a-z_]+)"')


def codes_in_source() -> set[str]:
    """Every literal event code the portal writes, plus the codes it builds from a prefix."""
    codes = set()
    for path in [*ROOT.glob("disclosures/**/*.py"), *ROOT.glob("portal/**/*.py"), *ROOT.glob("concerns/**/*.py")]:
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        prefix = "concern_" if path.name == "services.py" and path.parent.name == "concerns" else ""
        for match in WRITTEN.finditer(text):
            code = match.group(1)
            codes.add(code if code.startswith(("record_", "concern_")) or not prefix else prefix + code)
        codes |= {f"read_{what}" for what in re.findall(r'what="([a-z_]+)"', text)}
    return codes


def test_the_source_writes_codes_the_guard_can_see():
    codes = codes_in_source()
    assert {"sign_in", "two_factor_enrolled", "access_denied", "read_answers", "concern_file"} <= codes


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_code_written_has_a_label_in_japanese_and_english(language):
    labelled = set(Action.values) | set(OTHER_EVENT_LABELS)
    missing = codes_in_source() - labelled
    assert not missing, f"Add labels to OTHER_EVENT_LABELS for {sorted(missing)}"
    with translation.override(language):
        for code in labelled:
            label = event_label(code)
            assert label and label != code
            if language == "ja":
                assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", label), (code, label)


def test_an_unknown_code_is_never_shown_raw():
    with translation.override("en"):
        assert event_label("something_new") == "Other event"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "enrolled", "signed_in"),
    [("ja", "認証アプリを設定", "ログイン"), ("en", "Authenticator set up", "Signed in")],
)
def test_the_audit_page_shows_labels_not_codes(client, language, enrolled, signed_in):
    supervisor = member(Role.SUPERVISOR, preferred_language=language)
    record_event(action="two_factor_enrolled", actor=supervisor)
    record_event(action="sign_in", actor=supervisor)
    login(client, supervisor)
    client.cookies.load({"django_language": language})
    page = client.get(reverse("official:audit")).text
    body = page.split("<tbody>")[1]
    assert enrolled in body and f"<td>{signed_in}</td>" in body
    assert "two_factor_enrolled" not in page.replace('value="two_factor_enrolled"', "")
    assert ">sign_in<" not in body and "sign_in\n" not in body
