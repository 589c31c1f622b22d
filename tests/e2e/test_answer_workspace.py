"""The answer workspace in a browser: sections and their completeness, a save bar in reach, a spreadsheet, review."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from disclosures.models import Question, ResponseDraft
from disclosures.states import State
from portal.accounts.models import Role
from tests.e2e.test_journeys import shot, sign_in
from tests.factories import DisclosureRequestFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SECTIONS = ["provider", "training_data", "sources"]


def sources_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["データセット又は出所の名称", "出所の種類", "モダリティ", "同意の根拠", "公開区分", "非公開とする理由"]
    )
    sheet.append(["Common Crawl 2024", "ウェブクロール", "テキスト", "なし", "公開", ""])
    sheet.append(["スタジオ資料", "Licensed data", "Video", "None", "Trade secret", "契約条件のため"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_developer_answers_section_by_section_imports_sources_and_reviews(page, axe_check, tmp_path: Path):
    request = DisclosureRequestFactory(state=State.ACKNOWLEDGED, sections=SECTIONS)
    Question.objects.create(request=request, position=1, text="クローラーはどのように識別できますか。")
    responder = member(Role.RESPONDER, request.developer)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in(page, responder)
    page.wait_for_url("**/developer/")
    page.goto(f"/developer/requests/{request.public_id}/answers/")
    page.wait_for_url("**/answers/provider/")
    menu = page.locator("nav.section-menu")
    assert menu.locator("li.current").inner_text().startswith("提供者及びモデル")
    assert "必須項目が6件未入力" in menu.locator("li.current").inner_text()
    assert page.locator("label[for=id_provider-legal_name] .required-marker").inner_text() == "必須"

    # The save bar stays in view at the bottom of the window while the top of a long section is read.
    bar = page.locator(".save-bar").bounding_box()
    assert bar is not None and bar["y"] + bar["height"] <= 900 + 1
    axe_check(page, both_languages=True)
    shot(page, "answer-workspace-provider")

    page.fill("input[name=provider-legal_name]", "星空AI株式会社")
    page.click(".save-bar button[name=next]")
    page.wait_for_url("**/answers/training_data/")
    draft = ResponseDraft.objects.get(request=request)
    assert draft.answers["provider"]["legal_name"] == "星空AI株式会社"
    assert "必須項目が5件未入力" in page.locator("nav.section-menu li").first.inner_text()

    # Sources come from a spreadsheet.
    page.goto(f"/developer/requests/{request.public_id}/answers/sources/")
    path = tmp_path / "sources.xlsx"
    path.write_bytes(sources_workbook())
    page.set_input_files("input[name=sheet]", str(path))
    page.click("form.sheet-import button[type=submit]")
    page.wait_for_url("**/answers/sources/")
    assert page.locator("text=スプレッドシートを取り込みました（2行）。").is_visible()
    assert page.locator("input[name=sources-1-name]").input_value() == "スタジオ資料"
    assert page.locator("select[name=sources-1-tier]").input_value() == "trade_secret"
    axe_check(page)
    shot(page, "answer-workspace-sources")

    page.click("nav.section-menu >> text=確認して提出")
    page.wait_for_url("**/answers/review/")
    claimed = page.locator(".review-claimed").inner_text()
    assert "営業秘密" in claimed and "契約条件のため" in claimed
    assert (
        "スタジオ資料" in page.locator("#sent-title + section, section[aria-labelledby=sent-title]").first.inner_text()
    )
    assert page.locator("text=回答を提出できるのは、貴組織の提出担当者だけです。").is_visible()
    axe_check(page, both_languages=True)
    shot(page, "answer-workspace-review")
    assert errors == []


def test_the_workspace_saves_without_javascript(browser, served):
    request = DisclosureRequestFactory(state=State.ACKNOWLEDGED, sections=SECTIONS)
    responder = member(Role.RESPONDER, request.developer)
    context = browser.new_context(base_url=served, locale="ja-JP", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, responder)
        page.wait_for_url("**/developer/")
        page.goto(f"/developer/requests/{request.public_id}/answers/sources/")
        page.fill("input[name=sources-0-name]", "手入力の出所")
        page.click("button[name=add_row]")  # saves, and comes back with one more blank row
        page.wait_for_url("**/answers/sources/?blank=2#rows-sources")
        assert page.locator("input[name=sources-1-name]").count() == 1
        page.fill("input[name=sources-1-name]", "二つ目の出所")
        page.click(".save-bar button[name=save]")
        page.wait_for_url("**/answers/sources/")
        names = [row["name"] for row in ResponseDraft.objects.get(request=request).answers["sources"]]
        assert names == ["手入力の出所", "二つ目の出所"]
    finally:
        context.close()
