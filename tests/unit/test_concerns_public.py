"""What the public sees of concerns: filers who allowed it on the request page, counts on the statistics page."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from concerns import services
from disclosures.models import DisclosureRequest
from disclosures.states import State as RequestState
from tests.concerns_data import filed_concern, rights_holder
from tests.factories import DeveloperFactory, RightsHolderFactory


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    # Public pages are cached by path; references repeat from one test database to the next.
    cache.clear()


@pytest.fixture
def holders(db):
    return (
        rights_holder(RightsHolderFactory(name_ja="株式会社スタジオ風", name_en="Studio Kaze")),
        rights_holder(RightsHolderFactory(name_ja="秘密出版株式会社", name_en="Secret Publishing")),
    )


def issued_from(concern, official) -> DisclosureRequest:
    disclosure = services.open_request_from(concern=concern, by=official)
    DisclosureRequest.objects.filter(pk=disclosure.pk).update(
        state=RequestState.ISSUED, issued_at=disclosure.created_at
    )
    disclosure.refresh_from_db()
    return disclosure


def test_the_request_page_names_only_filers_who_allowed_it(client, holders, official, ministry, developer):
    open_one = filed_concern(by=holders[0], ministry=ministry, developer=developer, allow_public=True)
    secret = filed_concern(by=holders[1], ministry=ministry, developer=developer, allow_public=False)
    services.merge_concerns(primary=open_one, duplicate=secret, by=official)
    disclosure = issued_from(open_one, official)
    page = client.get(reverse("public:request_detail", args=[disclosure.reference])).content.decode()
    assert "株式会社スタジオ風" in page and "進撃の巨人" in page
    assert "秘密出版株式会社" not in page
    assert open_one.reference not in page and secret.reference not in page
    assert page.count("<h1") == 1


def test_a_request_without_public_concerns_has_no_concern_section(client, issued_request):
    page = client.get(reverse("public:request_detail", args=[issued_request.reference])).content.decode()
    assert 'id="concerns-heading"' not in page


def test_statistics_count_concerns_by_state_and_name_only_publicly_known_developers(
    client, holders, official, ministry, developer
):
    asked = filed_concern(by=holders[0], ministry=ministry, developer=developer)
    issued_from(asked, official)
    unknown = DeveloperFactory(name_ja="未公表開発株式会社", name_en="Unlisted AI")
    filed_concern(by=holders[1], ministry=ministry, developer=unknown)
    filed_concern(by=holders[1], ministry=ministry, developer=unknown)
    services.start_concern(by=holders[1])  # a draft is not counted
    response = client.get(reverse("public:statistics"))
    page = response.content.decode()
    assert 'id="h-concerns"' in page
    assert developer.name_ja in page
    assert "未公表開発株式会社" not in page and "Unlisted AI" not in page
    assert "株式会社スタジオ風" not in page and "秘密出版株式会社" not in page
    counts = response.context["concern_counts"]
    assert sum(n for _label, n in counts["by_state"]) == 3
    assert [row["n"] for row in counts["by_developer"]] == [1] and counts["unnamed_developers"] == 2


def test_filing_a_concern_refreshes_the_cached_statistics(
    client, holders, ministry, developer, django_capture_on_commit_callbacks
):
    before = client.get(reverse("public:statistics")).content.decode()  # cached with no concern
    assert "まだ説明を求められていない開発者" not in before
    with django_capture_on_commit_callbacks(execute=True):
        filed_concern(by=holders[0], ministry=ministry, developer=developer)
    page = client.get(reverse("public:statistics")).content.decode()
    assert "まだ説明を求められていない開発者" in page  # the developer was never asked: counted, not named
