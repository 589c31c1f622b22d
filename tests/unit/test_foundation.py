"""Guard tests for the foundation: migrations, settings, demo data, languages, the layout."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from disclosures.models import DisclosureRequest
from disclosures.states import State
from portal.accounts.models import Membership, Organisation, User
from tests.auth import login
from tests.production import PRODUCTION_ENV, run_python


def run_manage(*args: str, env: dict[str, str]):
    return run_python("manage.py", *args, env=env)


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "RECORD_SIGNING_PKCS12", "LOG_SIGNING_KEY", "PORTAL_BASE_URL"],
)
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {**PRODUCTION_ENV, missing: ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_a_malformed_setting_stops_start_up_naming_the_variable():
    result = run_manage("check", env={"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


@pytest.mark.django_db
def test_seed_demo_covers_every_role_and_state_and_runs_twice_without_duplicates():
    # One test for both: the demo history renders dozens of signed PDFs, so it runs as few times as possible.
    first = StringIO()
    call_command("seed_demo", stdout=first)
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "official",
        "supervisor",
        "responder",
        "submitter",
        "rights_holder",
    }
    assert Organisation.objects.filter(kind=Organisation.Kind.DEVELOPER).count() == 3
    assert set(DisclosureRequest.objects.values_list("state", flat=True)) == set(State.values)
    assert "demo-pass-2026" in first.getvalue()

    counts = (User.objects.count(), Organisation.objects.count(), DisclosureRequest.objects.count())
    second = StringIO()
    call_command("seed_demo", stdout=second)
    assert (User.objects.count(), Organisation.objects.count(), DisclosureRequest.objects.count()) == counts
    assert "nothing new was created" in second.getvalue()


@pytest.mark.django_db
def test_the_same_page_renders_in_japanese_and_in_english(client):
    japanese = client.get(reverse("login"))
    assert 'lang="ja"' in japanese.text
    assert "ログイン" in japanese.text

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("login"))
    assert 'lang="en"' in english.text
    assert "Sign in" in english.text
    assert "ログイン" not in english.text


@pytest.mark.django_db
def test_dates_are_shown_in_japan_time(client, official, issued_request):
    from datetime import UTC, datetime

    DisclosureRequest.objects.filter(pk=issued_request.pk).update(issued_at=datetime(2026, 4, 1, 20, 30, tzinfo=UTC))
    login(client, official)
    page = client.get(reverse("official:request_detail", args=[issued_request.public_id]))
    # 20:30 UTC is 05:30 the next morning in Tokyo.
    assert "2026-04-02 05:30" in page.text
