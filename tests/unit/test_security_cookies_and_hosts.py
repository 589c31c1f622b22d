"""The language cookie is sent like the session's, and production refuses a wildcard host."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.auth import login
from tests.production import PRODUCTION_ENV, run_in_production, run_python


@pytest.mark.django_db
def test_the_language_cookie_is_same_site_and_http_only_wherever_it_is_set(client, responder):
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = switched.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["samesite"], cookie["httponly"]) == ("en", "Lax", True)

    login(client, responder)
    saved = client.post(reverse("account"), {"first_name": "Aiko", "last_name": "Mori", "preferred_language": "ja"})
    cookie = saved.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["samesite"], cookie["httponly"]) == ("ja", "Lax", True)


@pytest.mark.django_db
def test_the_account_page_sets_the_language_cookie_as_the_settings_say(client, responder, settings):
    settings.LANGUAGE_COOKIE_SECURE = True  # as in production
    login(client, responder)
    saved = client.post(reverse("account"), {"first_name": "Aiko", "last_name": "Mori", "preferred_language": "en"})
    assert saved.cookies[settings.LANGUAGE_COOKIE_NAME]["secure"] is True


def test_production_sends_the_language_cookie_only_over_https():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)"
    )
    result = run_in_production("-c", code)
    assert result.stdout.split() == ["True", "True", "Lax"], result.stderr


@pytest.mark.parametrize("hosts", ["*", "portal.example.jp,*", "*.example.jp"])
def test_production_refuses_a_wildcard_allowed_host_naming_the_variable(hosts):
    result = run_python("manage.py", "check", env={**PRODUCTION_ENV, "ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the portal's host names in production, not a wildcard" in result.stderr


def test_production_accepts_a_leading_dot_for_a_domain():
    result = run_python("manage.py", "check", env={**PRODUCTION_ENV, "ALLOWED_HOSTS": ".example.jp,portal.example.jp"})
    assert result.returncode == 0, result.stderr
