"""The error pages are the portal's own, in the reader's language, with DEBUG off as in production."""

import pytest
from django.template import loader
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from portal.accounts.models import Role
from tests.auth import login
from tests.factories import member


def _looks_like_the_portal(html: str) -> None:
    assert 'class="site-header"' in html and "css/portal.css" in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title"), [("ja", "ページが見つかりません"), ("en", "Page not found")])
def test_an_unknown_address_shows_the_portals_404(client, settings, language, title):
    settings.DEBUG = False
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: language})
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _looks_like_the_portal(response.text)
    assert title in response.text


@pytest.mark.django_db
def test_a_page_of_another_role_shows_the_portals_403(client, settings):
    settings.DEBUG = False
    login(client, member(Role.RESPONDER, preferred_language="en"))
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    response = client.get(reverse("official:dashboard"))
    assert response.status_code == 403
    _looks_like_the_portal(response.text)
    assert "Not allowed" in response.text


@pytest.mark.parametrize(("language", "title"), [("ja", "問題が発生しました"), ("en", "Something went wrong")])
def test_the_500_page_renders_without_a_request_context(settings, language, title):
    settings.DEBUG = False
    with translation.override(language):
        html = loader.get_template("500.html").render()
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _looks_like_the_portal(html)
    assert title in html and title in response.content.decode()
