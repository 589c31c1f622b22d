"""The platform operator's page and the health endpoints; a forgotten password reset by mail."""

import re
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.utils.text import capfirst

from disclosures.models import RecordJob
from disclosures.services.records import mark_failed
from portal.accounts.models import Role
from tests.e2e.journey import exactly, flash, follow, look, sign_in, t, two_factor_device
from tests.e2e.worlds import World, wait_for_the_workers
from tests.factories import UserFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-new-long-passphrase-2026"


def test_health_endpoints_answer_json_naming_each_check(page):
    live = page.request.get("/healthz")
    assert live.status == 200 and live.json() == {"status": "ok"}
    # The journeys' pages come from the production run (gunicorn, workers on the broker), not an in-process server.
    assert live.headers["server"] == "gunicorn"

    ready = page.request.get("/readyz")
    report = ready.json()
    assert ready.status == 200, report
    assert report["failing"] == [] and report["tasks"] == "broker"
    assert {"database", "cache", "migrations", "signing_keys", "font_subsetting", "broker", "workers"} <= set(
        report["checks"]
    )
    assert all(check["ok"] for check in report["checks"].values())


def test_an_operator_sees_a_failed_record_job_and_retries_it(page, new_page, axe_check):
    world = World()
    # The request's record fails, as a broken key or font would make it: the job is marked failed the way the
    # worker marks it, before the worker (sent the job when this commits) could take it.
    with transaction.atomic():
        request = world.issued()
        job = RecordJob.objects.get(request=request)
        mark_failed(job.pk, ValueError("Font subsetting failed"))
    wait_for_the_workers()
    job.refresh_from_db()
    assert job.status == RecordJob.Status.FAILED
    operator = UserFactory(is_staff=True)

    sign_in(page, operator, device=two_factor_device(operator))
    page.goto("/operator/")
    failed = page.get_by_role("region", name=re.compile(re.escape(t("Failed record jobs"))))
    assert failed.get_by_text("Font subsetting failed").is_visible()
    look(page, axe_check, "operator-01-failed-job")
    follow(page, failed.get_by_role("button", name=f"{t('Retry')} {request.reference}"))
    assert t("The record job is queued again.") in flash(page)
    # The pdf worker renders it now.
    wait_for_the_workers(request)
    job.refresh_from_db()
    assert job.status == RecordJob.Status.DONE
    page.reload()
    assert page.get_by_text("Font subsetting failed").count() == 0
    look(page, axe_check, "operator-02-retried")

    # A ministry official is not an operator: the page does not exist for them.
    official = new_page()
    sign_in(official, world.official, device=two_factor_device(world.official))
    assert official.goto("/operator/").status == 404


def test_a_user_who_forgot_the_password_resets_it_by_mail_and_signs_in(page, axe_check, mailbox):
    user = member(Role.RESPONDER)
    page.goto("/accounts/login/")
    follow(page, page.get_by_role("link", name=t("Forgot your password?")))
    look(page, axe_check, "password-01-form")
    page.get_by_label(capfirst(t("Email"))).fill(user.email)
    follow(page, page.get_by_role("button", name=t("Send the link")))
    look(page, axe_check, "password-02-sent")

    mail = mailbox.to(user.email)
    assert [m for m in mailbox if user.email in m.to] == [mail]
    link = next(line for line in mail.body.splitlines() if "/reset/" in line)
    page.goto(urlsplit(link.strip()).path)
    page.wait_for_load_state()
    look(page, axe_check, "password-03-choose")
    page.get_by_label(re.compile(rf"^{re.escape(capfirst(t('New password')))}:?$")).fill(NEW_PASSWORD)
    page.get_by_label(capfirst(t("New password confirmation"))).fill(NEW_PASSWORD)
    follow(page, page.get_by_role("button", name=t("Save the password")))
    look(page, axe_check, "password-04-done")

    page.goto("/accounts/login/")
    page.get_by_label(capfirst(t("username"))).fill(user.username)
    page.get_by_label(capfirst(t("password"))).fill(NEW_PASSWORD)
    follow(page, page.locator("main").get_by_role("button", name=exactly(t("Sign in"))))
    page.wait_for_url("**/developer/")
