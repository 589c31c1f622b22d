"""The demo as a newcomer meets it: progress while seeding, the accounts last, a development-only code command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from disclosures.management.commands import seed_demo
from disclosures.management.commands.demo_totp import current_code
from portal.accounts.models import User


@pytest.fixture
def short_demo(monkeypatch):
    """Two scenarios instead of thirteen: the output's shape is the same."""
    monkeypatch.setattr(seed_demo, "SCENARIOS", seed_demo.SCENARIOS[:2])
    monkeypatch.setattr(seed_demo, "DRAFTED_DAYS_AGO", seed_demo.DRAFTED_DAYS_AGO[:2])


@pytest.mark.django_db
def test_seeding_prints_progress_with_counts_and_ends_with_the_accounts(short_demo):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert "  organisations: 5" in lines and "  accounts: 9" in lines
    assert any(line.startswith("  [ 1/2] KumoMotion 3.0") for line in lines)
    assert any(line.startswith("  [ 2/2] KumoMotion Lite 1.2") and line.endswith("issue") for line in lines)
    assert any(line.startswith("  done: ") and "signed records" in line for line in lines)
    accounts_at = next(i for i, line in enumerate(lines) if line.startswith("Demo accounts"))
    tail = lines[accounts_at:]
    assert all(any(line.lstrip().startswith(name + " ") for line in tail) for name, *_rest in seed_demo.USERS)
    assert "official" in next(line for line in tail if "(authenticator)" in line)
    assert "must enrol an authenticator" in "\n".join(tail[-4:])
    assert "manage.py demo_totp" in "\n".join(tail[-4:])


@pytest.mark.django_db
def test_demo_totp_prints_the_code_that_enrols_the_account(settings):
    settings.DEBUG = True
    official = User.objects.create_user("official", email="official@demo.example.jp", password="x")
    device = TOTPDevice.objects.create(user=official, name="authenticator", confirmed=False)
    out = StringIO()
    call_command("demo_totp", "official", stdout=out)
    code = out.getvalue().strip()
    assert code == current_code(device) and device.verify_token(code)


@pytest.mark.django_db
def test_demo_totp_refuses_without_debug_and_in_production(settings):
    User.objects.create_user("official", email="official@demo.example.jp", password="x")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only in development"):
        call_command("demo_totp", "official", stdout=StringIO())
    settings.DEBUG, settings.PRODUCTION = True, True
    with pytest.raises(CommandError, match="only in development"):
        call_command("demo_totp", "official", stdout=StringIO())


@pytest.mark.django_db
def test_demo_totp_refuses_accounts_that_are_not_the_demos(settings):
    settings.DEBUG = True
    User.objects.create_user("official", email="real.person@ministry.example.jp", password="x")
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_totp", "official", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demo_totp", "someone-else", stdout=StringIO())
