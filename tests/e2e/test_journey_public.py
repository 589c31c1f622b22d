"""The public reads a published request, searches "Was my work used?", downloads data and verifies a record."""

import csv

import pytest

from disclosures.models import LogEntry, RecordKind
from tests.e2e.journey import exactly, fact, follow, look, t
from tests.e2e.worlds import PUBLIC_SOURCE, SECRET_REASON, SECRET_SOURCE, World, wait_for_the_workers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_public_reads_a_request_searches_sources_downloads_the_csv_and_verifies_a_record(page, new_page, axe_check):
    world = World()
    request = world.published()
    wait_for_the_workers(request)  # its records, rendered and logged by the production run's workers
    assert LogEntry.objects.filter(reference=request.reference).exists()

    # A visitor reading English finds it by the developer's English name.
    english = new_page(locale="en-GB")
    english.goto("/requests/")
    english.get_by_role("search").get_by_role("searchbox").fill("Kumo Labs")
    follow(english, english.get_by_role("search").get_by_role("button", name="Apply"))
    assert english.get_by_role("link", name=request.reference).first.is_visible()
    look(english, axe_check, "public-00-index-search-en")

    # The index, searched in Japanese, leads to the request.
    page.goto("/")
    look(page, axe_check, "public-01-home")
    follow(page, page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Transparency index")))
    look(page, axe_check, "public-02-index")
    page.get_by_role("search").get_by_role("searchbox").fill("クモラボ")
    follow(page, page.get_by_role("search").get_by_role("button", name=t("Apply")))
    look(page, axe_check, "public-03-index-search-ja")
    follow(page, page.get_by_role("link", name=request.reference).first)
    page.wait_for_url(f"**/requests/{request.reference}/")

    # The request page shows the public answers; the trade-secret source and its reason are absent.
    assert page.get_by_text(PUBLIC_SOURCE).first.is_visible()
    body = page.content()
    assert SECRET_SOURCE not in body and SECRET_REASON not in body
    look(page, axe_check, "public-04-request-page")

    # "Was my work used?" finds the declared source by part of its Japanese name, never the secret one.
    follow(page, page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Was my work used?")))
    page.get_by_label(t("Title, domain, rights holder or company")).fill("アニメ原画")
    follow(page, page.get_by_role("button", name=exactly(t("Search"))))
    results = page.get_by_role("region", name=t("Declared sources"))
    assert results.get_by_role("rowheader", name=PUBLIC_SOURCE).is_visible()
    assert results.get_by_role("link", name=request.reference).is_visible()
    look(page, axe_check, "public-05-source-search-ja")
    page.get_by_label(t("Title, domain, rights holder or company")).fill("Studio")
    follow(page, page.get_by_role("button", name=exactly(t("Search"))))
    assert SECRET_SOURCE not in page.locator("main").inner_text()

    # The CSV of the Japanese search holds the public source only.
    page.get_by_label(t("Title, domain, rights holder or company")).fill("アニメ原画")
    follow(page, page.get_by_role("button", name=exactly(t("Search"))))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    with open(download_info.value.path(), encoding="utf-8-sig", newline="") as exported:
        rows = list(csv.reader(exported))
    assert any(PUBLIC_SOURCE in row for row in rows[1:])
    assert not any(SECRET_SOURCE in cell for row in rows for cell in row)

    # Download the submitted answer's public record from the request page, then verify it from the log page.
    page.goto(f"/requests/{request.reference}/")
    records = page.get_by_role("region", name=t("Public records"))
    with page.expect_download() as download_info:
        records.get_by_role("link", name=t(RecordKind.SUBMISSION.label)).click()
    record_pdf = download_info.value.path()
    with open(record_pdf, "rb") as downloaded:
        assert downloaded.read(5) == b"%PDF-"

    page.goto("/log/")
    assert page.locator("table.log-entries").get_by_role("link", name=request.reference).first.is_visible()
    look(page, axe_check, "public-06-log")
    follow(page, page.locator("main").get_by_role("link", name=t("Verify a record")).first)
    page.wait_for_url("**/verify/")
    look(page, axe_check, "public-07-verify-form")
    page.get_by_label(t("PDF file")).set_input_files(record_pdf)
    follow(page, page.locator("main").get_by_role("button", name=exactly(t("Verify", context="check a record"))))
    result = page.get_by_role("region", name=t("Valid: signed by the portal and unchanged"))
    assert result.is_visible()
    assert fact(page, t("Changed after signing")) == t("no")
    assert request.reference in fact(page, t("Public log"))
    look(page, axe_check, "public-08-verify-valid")


PUBLIC_PAGES = ["/", "/companies/", "/companies/kumo-labs/", "/statistics/", "/open-data/", "/log/", "/verify/"]


def test_every_public_page_passes_axe_in_both_languages_and_the_company_list_sorts(page, axe_check):
    wait_for_the_workers(World().published())
    for address in PUBLIC_PAGES:
        assert page.goto(address).status == 200, address
        assert page.locator("h1").count() == 1, address
        look(page, axe_check, "public-pages" + address.replace("/", "-").rstrip("-"))

    # Sorting the company list says which column is sorted and in which direction.
    page.goto("/companies/")
    follow(page, page.locator("main th a").first)
    assert page.locator("main th[aria-sort]").count() == 1
    look(page, axe_check, "public-pages-companies-sorted")
