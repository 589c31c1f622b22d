import pytest
from django.urls import reverse

from disclosures.states import State
from portal.accounts.models import Role
from tests.factories import DeveloperFactory, MinistryFactory, member
from tests.public_data import answered, clear_page_cache, declined, issued, publish, version


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()


def test_request_page_shows_the_timeline_with_organisations_but_no_staff_names_or_emails(client, db):
    request = issued()
    submitter = member(Role.SUBMITTER, request.developer, first_name="Hanako", last_name="Yamada")
    declined(request, after_days=3, reasons="Our training data is a trade secret.", by=submitter)
    request.state = State.DECLINED
    request.save()

    body = client.get(reverse("public:request_detail", args=[request.reference])).content.decode()

    assert request.developer.name in body and request.ministry.name in body
    assert "Our training data is a trade secret." in body
    assert "Hanako" not in body and "Yamada" not in body and submitter.email not in body
    assert request.drafted_by.email not in body and request.drafted_by.username not in body


def test_request_page_shows_public_answers_of_the_latest_version_and_what_changed(client, db):
    request = issued(state=State.SUBMITTED)
    version(request, {"training_data": {"tier": "public", "summary": "Old summary"}}, number=1)
    version(request, {"training_data": {"tier": "public", "summary": "New summary"}}, number=2)
    publish(request)

    body = client.get(reverse("public:request_detail", args=[request.reference])).content.decode()

    assert body.index("New summary") < body.index("Old summary")
    assert "<del>Old summary</del>" in body and "<ins>New summary</ins>" in body


def test_a_request_page_of_a_draft_is_not_found(client, db):
    from tests.factories import DisclosureRequestFactory

    draft = DisclosureRequestFactory(state=State.DRAFT)
    assert client.get(reverse("public:request_detail", args=[draft.reference])).status_code == 404


def test_company_page_counts_answered_on_time_late_declined_and_unanswered(client, db):
    developer = DeveloperFactory(slug="kumo")
    on_time = issued(developer=developer, deadline_in=20, model_name="Kumo Video")
    answered(on_time, after_days=5)
    late = issued(developer=developer, days_ago=40, deadline_in=10, model_name="Kumo Chat")
    answered(late, after_days=15)
    refused = issued(developer=developer, state=State.DECLINED)
    declined(refused, after_days=2, reasons="No.")
    issued(developer=developer)  # silent

    from disclosures.selectors.public import company_figures

    (figures,) = company_figures(developer)
    assert (figures.received, figures.on_time, figures.late, figures.declined, figures.unanswered) == (4, 1, 1, 1, 1)
    assert figures.median_days_to_answer == 10
    assert figures.model_list == ["Kumo Chat", "Kumo Video"]
    body = client.get(reverse("public:company_detail", args=["kumo"])).content.decode()
    assert "Kumo Chat, Kumo Video" in body


def test_company_table_sorts_by_any_figure(client, db):
    quiet, busy = DeveloperFactory(slug="quiet"), DeveloperFactory(slug="busy")
    issued(developer=quiet)
    for _ in range(3):
        issued(developer=busy)

    body = client.get(reverse("public:companies"), {"sort": "-received"}).content.decode()
    assert body.index(busy.name) < body.index(quiet.name)
    body = client.get(reverse("public:companies"), {"sort": "received"}).content.decode()
    assert body.index(quiet.name) < body.index(busy.name)


def _many(n: int) -> None:
    developers = [DeveloperFactory() for _ in range(4)]
    ministry = MinistryFactory()
    for i in range(n):
        request = issued(developer=developers[i % 4], ministry=ministry, days_ago=1 + i % 40)
        if i % 2:
            answered(request, after_days=1 + i % 9)
        if i % 5 == 0:
            publish(request)
            version(request, {}, sources=[{"name": f"Anime corpus {i}", "tier": "public", "top_domains": ["a.jp"]}])


@pytest.mark.parametrize("n", [10, 200])
def test_company_pages_and_source_search_run_a_constant_number_of_queries(client, db, n, django_assert_num_queries):
    _many(n)
    from disclosures.models import DisclosureRequest

    slug = DisclosureRequest.objects.first().developer.slug
    clear_page_cache()
    with django_assert_num_queries(5):  # developers, then four kinds of summary rows
        assert client.get(reverse("public:companies")).status_code == 200
    with django_assert_num_queries(7):  # the company, its summary rows, its page of requests and their count
        assert client.get(reverse("public:company_detail", args=[slug])).status_code == 200
    with django_assert_num_queries(2):  # the page of sources and their count
        assert client.get(reverse("public:sources"), {"q": "anime"}).status_code == 200
    with django_assert_num_queries(6):  # four kinds of summary rows, two of the concerns' public counts
        assert client.get(reverse("public:statistics")).status_code == 200


def test_was_my_work_used_finds_public_sources_by_title_domain_rights_holder_and_company(client, db):
    request = issued(developer=DeveloperFactory(name_en="Kumo AI K.K.", slug="kumo"))
    publish(request)
    version(
        request,
        {},
        sources=[
            {
                "name": "Manga scans 2024",
                "tier": "public",
                "top_domains": ["manga.example.jp"],
                "rights_holders": ["集英社"],
            },
            {"name": "Secret licensed set", "tier": "trade_secret", "rights_holders": ["Hidden Studio"]},
        ],
    )
    unpublished = issued()
    version(unpublished, {}, sources=[{"name": "Manga scans unpublished", "tier": "public"}])

    def found(q):
        body = client.get(reverse("public:sources"), {"q": q}).content.decode()
        return [name for name in ("Manga scans 2024", "Secret licensed set", "Manga scans unpublished") if name in body]

    assert found("manga") == ["Manga scans 2024"]
    assert found("manga.example.jp") == ["Manga scans 2024"]
    assert found("集英社") == ["Manga scans 2024"]
    assert found("Kumo AI") == ["Manga scans 2024"]
    assert found("Hidden Studio") == []
    body = client.get(reverse("public:sources"), {"q": "manga"}).content.decode()
    assert reverse("public:request_detail", args=[request.reference]) + "#v1" in body


def test_statistics_page_draws_accessible_svg_charts_with_their_data_in_tables(client, db):
    request = issued(state=State.DECLINED)
    declined(request, after_days=2, reasons="No.")
    answered(issued(), after_days=4)

    body = client.get(reverse("public:statistics")).content.decode()

    assert body.count('role="img"') == 4
    assert "<title id=" in body and "<desc id=" in body
    # The four charts' data tables, and the two of the rights holders' concern figures.
    assert body.count("<table") == 4 + 2
