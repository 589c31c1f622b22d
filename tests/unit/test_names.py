"""Names read as the page's language writes them: family name first in Japanese, given name first in English."""

import pytest
from django.urls import reverse
from django.utils import translation

from disclosures.services.publication import approve_publication
from portal.accounts.forms import AccountForm
from portal.accounts.models import Role
from tests.auth import login
from tests.factories import DisclosureRequestFactory, member


@pytest.mark.django_db
def test_the_full_name_puts_the_family_name_first_in_japanese_only():
    user = member(Role.OFFICIAL, first_name="健一", last_name="佐藤")
    with translation.override("ja"):
        assert user.get_full_name() == "佐藤 健一"
    with translation.override("en"):
        assert user.get_full_name() == "健一 佐藤"
    nameless = member(Role.OFFICIAL)
    assert nameless.display_name == nameless.username


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "shown"), [("ja", "Sato Kenichi"), ("en", "Kenichi Sato")])
def test_pages_show_names_in_the_readers_order(client, language, shown):
    supervisor = member(Role.SUPERVISOR, first_name="Kenichi", last_name="Sato", preferred_language=language)
    request = DisclosureRequestFactory(ministry=supervisor.organisation, state="issued")
    approve_publication(request=request, by=supervisor)
    login(client, supervisor)
    client.cookies.load({"django_language": language})
    page = client.get(reverse("official:request_detail", args=[request.public_id])).text
    assert page.count(shown) >= 2  # the header and the publication approval


def test_the_account_form_asks_for_the_family_name_first_in_japanese():
    with translation.override("ja"):
        assert list(AccountForm().fields)[:2] == ["last_name", "first_name"]
    with translation.override("en"):
        assert list(AccountForm().fields)[:2] == ["first_name", "last_name"]
