import pytest
from django.urls import reverse
from django.utils import timezone

from disclosures.models import LegalBasis
from disclosures.states import State
from tests.factories import DeveloperFactory, DisclosureRequestFactory, MinistryFactory
from tests.public_data import answered, clear_page_cache, issued, publish, references


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()
    yield
    clear_page_cache()


def test_index_lists_issued_requests_but_never_drafts_or_requests_withdrawn_before_issue(client, db):
    shown = issued()
    draft = DisclosureRequestFactory(state=State.DRAFT)
    withdrawn_draft = DisclosureRequestFactory(state=State.WITHDRAWN, issued_at=None)
    withdrawn_after_issue = issued(state=State.WITHDRAWN)

    response = client.get(reverse("public:index"))

    assert response.status_code == 200
    assert references(response) == sorted([shown.reference, withdrawn_after_issue.reference])
    assert draft.reference not in response.content.decode()
    assert withdrawn_draft.reference not in response.content.decode()


def test_index_filters_by_developer_ministry_model_legal_basis_and_state(client, db):
    kumo, sora = DeveloperFactory(slug="kumo"), DeveloperFactory(slug="sora")
    meti = MinistryFactory(slug="meti")
    a = issued(developer=kumo, ministry=meti, model_name="Kumo Video")
    b = issued(developer=sora, model_name="Sora Image", legal_basis=LegalBasis.ARTICLE_25, state=State.DECLINED)

    assert references(client.get(reverse("public:index"), {"developer": "kumo"})) == [a.reference]
    assert references(client.get(reverse("public:index"), {"ministry": "meti"})) == [a.reference]
    assert references(client.get(reverse("public:index"), {"model": "image"})) == [b.reference]
    assert references(client.get(reverse("public:index"), {"legal_basis": "article_25"})) == [b.reference]
    assert references(client.get(reverse("public:index"), {"state": "declined"})) == [b.reference]
    assert references(client.get(reverse("public:index"), {"developer": "sora", "state": "issued"})) == []


def test_index_filters_by_issue_date_deadline_days_open_and_overdue(client, db):
    old_overdue = issued(days_ago=60, deadline_in=20)
    recent = issued(days_ago=2, deadline_in=20)

    def get(**params):
        return references(client.get(reverse("public:index"), params))

    assert get(issued_from=timezone.localdate(recent.issued_at).isoformat()) == [recent.reference]
    assert get(issued_to=timezone.localdate(old_overdue.issued_at).isoformat()) == [old_overdue.reference]
    assert get(deadline_to=old_overdue.deadline.isoformat()) == [old_overdue.reference]
    assert get(deadline_from=recent.deadline.isoformat()) == [recent.reference]
    assert get(min_days_open="30") == [old_overdue.reference]
    assert get(overdue="true") == [old_overdue.reference]
    assert get(overdue="false") == [recent.reference]


def test_index_marks_overdue_requests_and_shows_days_open(client, db):
    issued(days_ago=45, deadline_in=20)

    body = client.get(reverse("public:index")).content.decode()

    assert "badge overdue" in body
    assert "<td>45</td>" in body


def test_full_text_search_finds_published_answers_and_metadata_but_not_unpublished_letters(client, db):
    published = issued(model_name="Kumo Video")
    published.covering_letter = "Explain the crawler named Hanabi."
    published.save()
    publish(published)
    unpublished = issued(model_name="Other")
    unpublished.covering_letter = "Explain the crawler named Hanabi too."
    unpublished.save()

    assert references(client.get(reverse("public:index"), {"q": "hanabi"})) == [published.reference]
    assert references(client.get(reverse("public:index"), {"q": "Other"})) == [unpublished.reference]
    assert references(client.get(reverse("public:index"), {"q": unpublished.reference})) == [unpublished.reference]


def test_index_sorts_by_deadline_and_paginates_with_filters_kept_in_the_links(client, db):
    developer = DeveloperFactory(slug="many")
    rows = [issued(developer=developer, deadline_in=10 + i) for i in range(55)]

    response = client.get(reverse("public:index"), {"developer": "many", "sort": "deadline"})
    body = response.content.decode()

    assert body.index(rows[0].reference) < body.index(rows[1].reference)
    assert rows[54].reference not in body
    assert "developer=many" in body and "sort=deadline" in body and "page=2" in body
    page_two = client.get(reverse("public:index"), {"developer": "many", "sort": "deadline", "page": 2})
    assert rows[54].reference in page_two.content.decode()


def _make_requests(n: int) -> None:
    ministries = [MinistryFactory() for _ in range(3)]
    developers = [DeveloperFactory() for _ in range(5)]
    for i in range(n):
        request = issued(
            ministry=ministries[i % 3], developer=developers[i % 5], days_ago=1 + i % 50, deadline_in=5 + i % 30
        )
        if i % 3 == 0:
            answered(request, after_days=1)
        if i % 4 == 0:
            publish(request)


@pytest.mark.parametrize("n", [10, 200])
def test_index_page_runs_a_constant_number_of_queries_whatever_the_number_of_requests(
    client, db, n, django_assert_num_queries
):
    _make_requests(n)
    clear_page_cache()
    # The search's matches (`disclosures.search.matching_requests`), which count them too, the page of
    # rows, and the two choice lists of the filter form.
    with django_assert_num_queries(4):
        response = client.get(reverse("public:index"), {"sort": "-days_open", "q": "Kumo"})
    assert response.status_code == 200


def test_a_cached_index_page_is_served_without_queries_until_a_state_change(client, db, django_assert_num_queries):
    request = issued()
    client.get(reverse("public:index"))

    with django_assert_num_queries(0):
        cached = client.get(reverse("public:index"))
    # The cached body is still markup, not escaped text.
    assert f">{request.reference}</a>" in cached.content.decode()
    assert "&lt;table" not in cached.content.decode()

    from disclosures.services.publication import bump_public_version

    bump_public_version()
    request.model_name = "Renamed"
    request.save()
    assert "Renamed" in client.get(reverse("public:index")).content.decode()


def test_the_index_is_cached_per_full_url_so_each_filter_combination_is_its_own_page(client, db):
    a = issued(model_name="Alpha")
    b = issued(model_name="Beta")

    assert references(client.get(reverse("public:index"), {"model": "alpha"})) == [a.reference]
    assert references(client.get(reverse("public:index"), {"model": "beta"})) == [b.reference]
