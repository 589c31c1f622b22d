"""Rendering records: the PDF opens, reads right, keeps confidential answers out and fetches nothing."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from disclosures.models import Record, RecordJob, ResponseVersion, Variant
from disclosures.records import fetcher as fetcher_module
from disclosures.records.fetcher import StaticOnlyFetcher
from disclosures.services.audit import record_event
from disclosures.services.records import schedule_records
from disclosures.services.requests import issue_request
from disclosures.states import Action, State
from tests.factories import DisclosureRequestFactory

PUBLIC_SENTENCE = "学習データには日本のアニメ作品は含まれていません。"
SECRET_SENTENCE = "秘密の学習データ提供元はクモ出版です"

ANSWERS = {
    "training_data": {"tier": "public", "japanese_share": "約12%", "latest_collection": "2026-03"},
    "sources": [
        {"tier": "public", "name": "日本語ウェブコーパス", "kind": "web_crawl"},
        {"tier": "trade_secret", "reason": "契約上の秘密", "name": SECRET_SENTENCE, "kind": "licensed"},
    ],
    "questions": {
        "1": {"tier": "public", "answer": PUBLIC_SENTENCE},
        "2": {"tier": "trade_secret", "reason": "営業秘密", "answer": f"{SECRET_SENTENCE}。"},
    },
}


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def read(record: Record) -> bytes:
    with record.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def draft_request(ministry, developer, official):
    return DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)


def submit_version(request, submitter, answers):
    ResponseVersion.objects.create(request=request, number=1, answers=answers, submitted_by=submitter)
    event = record_event(action=Action.SUBMIT, actor=submitter, request=request, data={"version": 1})
    return schedule_records(event=event)


@pytest.mark.django_db(transaction=True)
def test_issuing_a_request_produces_a_signed_a4_record_with_the_reference_and_page_numbers(draft_request, official):
    issue_request(request=draft_request, by=official)

    record = Record.objects.get(request=draft_request)
    pages, text = pdf_text(read(record))
    assert pages == record.page_count >= 2
    assert draft_request.reference in text
    assert "技術的な説明を求めます。" in text
    assert f"1 / {pages}" in text
    reader = PdfReader(BytesIO(read(record)))
    assert reader.metadata.title.startswith("技術的説明の求め")
    assert str(reader.trailer["/Root"]["/Lang"]) == "ja"
    top, sections = reader.outline[0], reader.outline[1]
    assert top.title == reader.metadata.title
    assert "送付状 Covering letter" in [item.title for item in sections]
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)


@pytest.mark.django_db(transaction=True)
def test_a_submission_has_a_complete_pdf_with_every_answer_and_a_public_pdf_without_confidential_ones(
    issued_request, submitter
):
    submit_version(issued_request, submitter, ANSWERS)
    complete = Record.objects.get(request=issued_request, variant=Variant.COMPLETE)
    public = Record.objects.get(request=issued_request, variant=Variant.PUBLIC)

    _pages, complete_text = pdf_text(read(complete))
    _pages, public_text = pdf_text(read(public))
    assert PUBLIC_SENTENCE in complete_text.replace("\n", "")
    assert SECRET_SENTENCE in complete_text.replace("\n", "")
    assert PUBLIC_SENTENCE in public_text.replace("\n", "")
    for secret in (SECRET_SENTENCE, "契約上の秘密", "営業秘密", "licensed"):
        assert secret not in public_text.replace("\n", "")
        assert secret.encode() not in read(public)
    assert public.log_entry.record_sha256 == public.sha256
    assert not hasattr(complete, "log_entry") or complete.log_entry is None


LABELLED_ANSWERS = {
    "provider": {"tier": "public", "legal_name": "株式会社クモ", "channels": ["api", "open_weights"]},
    "sources": [
        {"tier": "public", "name": "日本語ウェブコーパス", "kind": "web_crawl", "size_unit": "tb"},
        {"tier": "trade_secret", "reason": "契約上の秘密", "name": SECRET_SENTENCE, "kind": "licensed"},
    ],
    "questions": {"1": {"tier": "ministry_only", "reason": "調査中のため", "answer": SECRET_SENTENCE}},
}


@pytest.mark.django_db(transaction=True)
def test_records_show_field_labels_and_choice_labels_and_confidentiality_only_in_the_complete_pdf(
    issued_request, submitter
):
    issued_request.questions.create(position=1, text="既知のアニメ作品に酷似した出力をどう検出していますか。")
    submit_version(issued_request, submitter, LABELLED_ANSWERS)
    _pages, complete = pdf_text(read(Record.objects.get(request=issued_request, variant=Variant.COMPLETE)))
    public_record = Record.objects.get(request=issued_request, variant=Variant.PUBLIC)
    _pages, public = pdf_text(read(public_record))
    complete, public = complete.replace("\n", ""), public.replace("\n", "")

    for text in (complete, public):
        assert "提供者の正式名称" in text and "Legal name of the provider" in text
        assert "ウェブクロール" in text and "テラバイト" in text and "API、オープンウェイト" in text
        assert "学習データの出所 1" in text and "Source 1" in text
        assert "既知のアニメ作品に酷似した出力をどう検出していますか。" in text
        for raw in ("web_crawl", "open_weights", "legal_name", "Legal name:", "Tier", "tier:"):
            assert raw not in text
    assert "機密区分" in complete and "営業秘密" in complete and "契約上の秘密" in complete
    assert "調査中のため" in complete and "省庁限り" in complete
    assert "一部の回答は非公開です" in public
    for secret in (SECRET_SENTENCE, "契約上の秘密", "調査中のため", "機密区分", "営業秘密", "Trade secret", "省庁限り"):
        assert secret not in public
        assert secret.encode() not in read(public_record)


@pytest.mark.django_db(transaction=True)
def test_a_clarification_message_reaches_only_the_parties_record_never_the_public_one(official):
    from datetime import timedelta

    from disclosures.deadlines import today_in_japan
    from disclosures.selectors.public import public_records
    from disclosures.services.requests import request_clarification

    request = DisclosureRequestFactory(ministry=official.organisation, state=State.UNDER_REVIEW)
    points = "学習データ提供元クモ出版との契約条件を説明してください。"
    request_clarification(request=request, by=official, points=points, deadline=today_in_japan() + timedelta(days=10))

    public = Record.objects.get(request=request, kind="decision", variant=Variant.PUBLIC)
    complete = Record.objects.get(request=request, kind="decision", variant=Variant.COMPLETE)
    _pages, public_text = pdf_text(read(public))
    _pages, complete_text = pdf_text(read(complete))
    assert "クモ出版" not in public_text
    assert "The message was sent to the two parties only." in public_text
    assert "クモ出版" in complete_text
    assert [r.pk for r in public_records(request)] == [public.pk]


@pytest.mark.django_db(transaction=True)
def test_decline_reasons_are_public_in_the_decision_record(submitter, official):
    from disclosures.services.requests import decline_request

    request = DisclosureRequestFactory(
        ministry=official.organisation, developer=submitter.organisation, state=State.ISSUED
    )
    decline_request(request=request, by=submitter, reasons="当該モデルは国内で提供していません。")

    (record,) = Record.objects.filter(request=request, kind="decision")
    assert record.variant == Variant.PUBLIC
    assert "当該モデルは国内で提供していません。" in pdf_text(read(record))[1]


@pytest.mark.django_db(transaction=True)
def test_a_submission_without_confidential_answers_gets_one_public_pdf(issued_request, submitter):
    public_only = {"questions": {"1": {"tier": "public", "answer": PUBLIC_SENTENCE}}}
    submit_version(issued_request, submitter, public_only)

    assert [r.variant for r in Record.objects.filter(request=issued_request)] == [Variant.PUBLIC]
    statuses = dict(RecordJob.objects.filter(request=issued_request).values_list("variant", "status"))
    assert statuses == {Variant.PUBLIC: "done", Variant.COMPLETE: "skipped"}


@pytest.mark.django_db(transaction=True)
def test_hostile_user_text_renders_as_text_fetches_nothing_and_embeds_no_file(draft_request, official, monkeypatch):
    hostile = (
        '<img src="file:///etc/passwd"> '
        "<style>@import url(http://127.0.0.1:1/);</style> "
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:1/x.png"/></svg>'
    )
    draft_request.covering_letter = hostile
    draft_request.save()
    fetchers: list[StaticOnlyFetcher] = []
    original = fetcher_module.StaticOnlyFetcher.__init__

    def remember(self, *args, **kwargs):
        original(self, *args, **kwargs)
        fetchers.append(self)

    monkeypatch.setattr(fetcher_module.StaticOnlyFetcher, "__init__", remember)

    issue_request(request=draft_request, by=official)

    record = Record.objects.get(request=draft_request)
    data = read(record)
    _pages, text = pdf_text(data)
    flat = text.replace("\n", "")
    assert '<img src="file:///etc/passwd">' in flat
    assert "@import url(http://127.0.0.1:1/)" in flat
    assert "root:x:0:0" not in flat and b"root:x:0:0" not in data
    assert b"/EmbeddedFile" not in data and b"/Subtype /Image" not in data
    (used,) = fetchers
    assert all(url.endswith("/static/css/record.css") for url in used.asked)
    assert used.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/main/static/../portal/settings.py",
        "http://127.0.0.1:1/",
        "https://example.com/font.woff",
        "ftp://example.com/x",
        "data:text/html;base64,PGgxPmhpPC9oMT4=",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "file://evil.example/static/css/record.css",
    ],
)
def test_the_record_fetcher_refuses_anything_but_static_files(url, settings):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(fetcher_module.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_record_fetcher_serves_the_portal_stylesheet_and_raster_data_images():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch(Path(finders.find("css/record.css")).as_uri())
    assert b"@page" in css.read()
    png = fetcher.fetch("data:image/png;base64,iVBORw0KGgo=")
    assert png.read().startswith(b"\x89PNG")


def longest_answers() -> dict:
    """Every kind of long value at the longest length the answer forms accept, without spaces to break at."""
    from disclosures.forms.answers import QuestionAnswerForm, SourceForm

    free = QuestionAnswerForm.base_fields["answer"].max_length
    line = SourceForm.base_fields["name"].max_length
    paragraph = SourceForm.base_fields["piracy_removal"].max_length
    url = "https://example.jp/" + "a" * 400
    japanese = "学習データの収集元ごとの内訳と同意の根拠を示す" * 40
    answer = (japanese + url + "0123456789abcdef" * 25) * (free // 1000 + 1)
    return {
        "sources": [
            {
                "tier": "public",
                "name": ("データセット" * line)[: line - 3] + "END",
                "kind": "web_crawl",
                "piracy_removal": ("f" * paragraph)[: paragraph - 3] + "END",
            }
        ],
        "questions": {"1": {"tier": "public", "answer": answer[: free - 11] + "最後の一文です。END"}},
    }


@pytest.mark.django_db(transaction=True)
def test_the_longest_answers_the_forms_allow_render_to_a_record_with_all_their_text(issued_request, submitter):
    answers = longest_answers()
    assert len(answers["questions"]["1"]["answer"]) == 20000  # what QuestionAnswerForm accepts
    submit_version(issued_request, submitter, answers)

    job = RecordJob.objects.get(request=issued_request, variant=Variant.PUBLIC)
    assert job.status == RecordJob.Status.DONE, job.error
    pages, text = pdf_text(read(Record.objects.get(job=job)))
    flat = text.replace("\n", "").replace(" ", "").replace("\u200b", "")  # break opportunities in long runs
    assert 8 <= pages <= 60
    assert "最後の一文です。END" in flat
    assert flat.count("https://example.jp/") == answers["questions"]["1"]["answer"].count("https://example.jp/")
    assert answers["sources"][0]["name"][-30:] in flat
    assert answers["sources"][0]["piracy_removal"][-30:] in flat


def test_long_unbroken_text_wraps_inside_the_page_instead_of_overflowing():
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    from disclosures.records.render import breakable

    unbroken = {"url": "https://example.jp/" + "a" * 600, "hash": "0123456789abcdef" * 40, "ja": "日本語の文" * 150}
    rows = "".join(f"<tr><th>{k}</th><td>{breakable(v)}</td></tr>" for k, v in unbroken.items())
    html = f'<table class="fields"><tbody>{rows}</tbody></table>'
    document = HTML(string=html).render(stylesheets=[CSS(filename=finders.find("css/record.css"))])
    page = document.pages[0]._page_box
    right = page.content_box_x() + page.width
    text_boxes = [box for box in page.descendants() if type(box).__name__ == "TextBox"]
    assert len(text_boxes) > 20  # each long value wrapped onto several lines
    assert all(box.position_x + box.width <= right + 0.5 for box in text_boxes)


def test_only_long_unbroken_runs_get_break_opportunities_and_the_text_is_otherwise_unchanged():
    from disclosures.records.render import UNBROKEN_CHUNK, ZERO_WIDTH_SPACE, breakable

    japanese, spaced = "日本語の文" * 100, "short words only " * 50
    run = "https://example.jp/" + "a" * 200
    assert breakable(japanese) == japanese
    assert breakable(spaced) == spaced
    broken = breakable(f"{japanese}{run} tail")
    assert broken.replace(ZERO_WIDTH_SPACE, "") == f"{japanese}{run} tail"
    pieces = broken[len(japanese) : -len(" tail")].split(ZERO_WIDTH_SPACE)
    assert len(pieces) > 1 and all(len(piece) <= UNBROKEN_CHUNK for piece in pieces)
