import re

import pytest
from django.urls import reverse

from tests.auth import login
from tests.factories import PASSWORD
from tests.production import ROOT, run_in_production


def assert_hardened(response) -> None:
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if " " in d.strip())
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["img-src"] == "'self' data:"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_public_page_sends_the_security_headers(client):
    assert_hardened(client.get(reverse("public:index")))


@pytest.mark.django_db
def test_a_signed_in_page_sends_the_security_headers_and_http_only_cookies(client, official):
    login(client, official)
    response = client.get(reverse("official:request_create"))
    assert response.status_code == 200
    assert_hardened(response)
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert response.cookies["csrftoken"]["httponly"]


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_same_site(client, responder):
    response = client.post(reverse("login"), {"username": responder.username, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_the_api_sends_the_security_headers(client):
    assert_hardened(client.get(reverse("api:public-request-list")))


@pytest.mark.django_db
def test_https_responses_carry_hsts_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("public:index"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_settings_pass_the_deployment_check():
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_secure_cookies_and_a_year_of_hsts():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT)"
    )
    result = run_in_production("-c", f"import os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; {code}")
    assert result.stdout.split() == ["True", "True", "True", "31536000", "True"], result.stderr


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+=\"", re.IGNORECASE)


def test_no_template_has_an_inline_script_style_or_event_handler():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "pdf" in path.parts:
            continue  # PDF templates are rendered by WeasyPrint, not served to browsers
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []
