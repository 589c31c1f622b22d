"""The whole-page cache of anonymous visitors (`views.public.cache.render_public`): each still gets their
own CSRF token and return address, and anyone signed in or with a message gets the layout made for them."""

import re

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import INFO, add_message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.urls import reverse

from disclosures.views.public.cache import _anonymous_without_messages
from portal.accounts.models import Role
from tests.auth import login
from tests.factories import MinistryFactory, member
from tests.public_data import clear_page_cache, issued

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT = re.compile(r'<input name="next" type="hidden" value="([^"]*)"')


def test_each_anonymous_visitor_of_a_cached_page_gets_a_working_token_and_their_own_address(
    db, django_assert_num_queries
):
    clear_page_cache()
    issued()
    index = reverse("public:index")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(index + "?state=issued").content.decode()

    with django_assert_num_queries(0):  # served from the cache
        second_page = second.get(index + "?state=issued&utm=1").content.decode()

    assert NEXT.search(first_page).group(1) == f"{index}?state=issued"
    assert NEXT.search(second_page).group(1) == f"{index}?state=issued&amp;utm=1"
    token = TOKEN.search(second_page).group(1)
    assert token != TOKEN.search(first_page).group(1)
    switched = second.post(reverse("set_language"), {"language": "en", "next": index, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302  # the cached page's form works with this visitor's cookie


def test_a_signed_in_visitor_of_a_page_cached_for_anonymous_visitors_sees_their_own_layout(client, db):
    clear_page_cache()
    index = reverse("public:index")
    Client().get(index)
    official = member(Role.OFFICIAL, MinistryFactory())
    login(client, official)

    page = client.get(index).content.decode()

    assert reverse("logout") in page and reverse("login") + '"' not in page


def test_a_visitor_with_a_message_to_read_is_not_served_the_anonymous_page():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    assert _anonymous_without_messages(request)

    add_message(request, INFO, "You have signed out.")

    assert not _anonymous_without_messages(request)
