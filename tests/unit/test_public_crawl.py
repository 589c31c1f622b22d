"""No public page in Japanese shows a raw code of the data model as text.

Every public page is crawled with realistic data (a published request in two versions with public,
confidential and decided answers, declared sources, records in the log, requests in every state) and
the visible text (tags, attributes, scripts and machine formats in <code>/<pre> left out) is searched
for the codes of the answer vocabularies and of the model choices: "web_crawl", "trade_secret",
"under_review", "licensed", "tb", ...
"""

import re
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosures.demo import demo_answers
from disclosures.models import (
    ConfidentialityDecision,
    LegalBasis,
    LogEntry,
    Question,
    Record,
    RecordKind,
    Section,
    Tier,
    Variant,
)
from disclosures.services.requests import issue_request
from disclosures.states import Action, EscalationAction, State
from disclosures.templatetags.answer_labels import VOCABULARIES
from portal.accounts.models import Organisation, Role
from tests.factories import DeveloperFactory, DisclosureRequestFactory, member
from tests.public_data import answered, clear_page_cache, declined, event, issued, publish, version
from tests.unit.test_records_signing import content

CHOICES = (
    State,
    Action,
    EscalationAction,
    Tier,
    RecordKind,
    Variant,
    LegalBasis,
    Section,
    ConfidentialityDecision.Decision,
    Organisation.Kind,
    Role,
)
RAW_CODES = frozenset(
    {code for vocabulary in VOCABULARIES.values() for code, _label in vocabulary if code}
    | {code for choices in CHOICES for code in choices.values}
    | {"approve_publication"}
)
# Machine formats (hashes, URLs, checkpoints) are shown as code on purpose.
HIDDEN = {"script", "style", "template", "code", "pre"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


# Words are split where a list or a sentence breaks them, not inside an address such as takedown@kumo.jp.
WORD_BREAKS = re.compile(r"[\s,、。・·()（）「」:：;；|/]+")


def raw_codes_in(html: str) -> set[str]:
    """The codes that a reader would see as words on the page (codes are lower-case; labels are not)."""
    words = (word.strip(".!?\"'") for word in WORD_BREAKS.split(visible_text(html)))
    return {word for word in words if word in RAW_CODES}


def test_the_crawl_finds_a_raw_code_shown_as_text_but_not_one_in_an_attribute_or_a_hash():
    assert raw_codes_in("<td>web_crawl</td>") == {"web_crawl"}
    assert raw_codes_in("<dd>3.2 tb</dd><p>期限 (under_review)</p>") == {"tb", "under_review"}
    assert raw_codes_in('<a class="public" href="?state=declined" title="trade_secret">辞退</a>') == set()
    assert raw_codes_in("<code>/api/requests/</code><script>let public = 1;</script><p>API</p>") == set()
    assert raw_codes_in("<dd>takedown@kumo.example.jp</dd><dd>Kumo Video</dd>") == set()


def _full_answers() -> dict:
    answers = demo_answers()
    answers["governance"]["changes_since_last"] = ""
    answers["questions"] = {
        "1": {"answer": "類似度検査で検出しています。", "tier": Tier.PUBLIC, "reason": ""},
        "2": {"answer": "社外秘の手順です。", "tier": Tier.MINISTRY_ONLY, "reason": "手順書の内容"},
    }
    answers["attachments"] = [
        {"id": str(uuid.uuid4()), "name": "方針.pdf", "size": 2048, "sha256": "a" * 64, "tier": Tier.PUBLIC},
        {"id": str(uuid.uuid4()), "name": "契約.pdf", "size": 4096, "sha256": "b" * 64, "tier": Tier.TRADE_SECRET},
    ]
    answers["sources"].append(
        {
            "name": "青空文庫コーパス",
            "kind": "public_dataset",
            "modality": "text",
            "size": 12,
            "size_unit": "gb",
            "top_domains": ["aozora.gr.jp"],
            "languages": ["ja"],
            "consent_basis": "none",
            "japanese_anime_manga": "no",
            "tier": Tier.PUBLIC,
            "reason": "",
        }
    )
    for row_id, row in enumerate(answers["sources"]):
        row["row_id"] = str(row_id)
    return answers


def _sources(answers: dict) -> list[dict]:
    return [
        {**row, "row_key": f"sources/{row['row_id']}"} for row in answers["sources"] if {"name", "tier"} <= set(row)
    ]


@pytest.fixture
def public_world(db, official, django_capture_on_commit_callbacks):
    """Requests in every public state, one published in two versions, and real records in the log."""
    ministry = official.organisation
    kumo = DeveloperFactory(slug="kumo", name_ja="株式会社クモ", name_en="Kumo K.K.")
    hoshi = DeveloperFactory(slug="hoshi", name_ja="星空AI株式会社", name_en="Hoshizora AI Inc.")
    every_section = [section.value for section in Section]

    published = issued(
        ministry=ministry, developer=kumo, state=State.ACCEPTED, sections=every_section, model_name="クモ動画"
    )
    Question.objects.create(request=published, position=1, text="既知のアニメ作品に酷似した出力をどう検出しますか。")
    Question.objects.create(request=published, position=2, text="ファインチューニングの手順を教えてください。")
    answered(published, after_days=5)
    first = _full_answers()
    version(published, first, number=1, sources=_sources(first))
    second = _full_answers()
    second["sources"][0]["tier"] = Tier.TRADE_SECRET  # a later claim withholds the row in version 1 too
    second["sources"][0]["reason"] = "クロール対象の一覧は営業秘密です。"
    latest = version(published, second, number=2, sources=_sources(second))
    supervisor = member(Role.SUPERVISOR, ministry)
    ConfidentialityDecision.objects.create(
        version=latest,
        answer_path="sources/1",
        decision=ConfidentialityDecision.Decision.ACCEPTED,
        decided_by=supervisor,
    )
    event(published, Action.ACCEPT, State.ACCEPTED, published.issued_at + timedelta(days=9), by=supervisor)
    publish(published)

    for state in (State.ISSUED, State.ACKNOWLEDGED, State.UNDER_REVIEW, State.CLARIFICATION_REQUESTED):
        issued(ministry=ministry, developer=hoshi, state=state, model_name="星空スケッチ")
    issued(ministry=ministry, developer=hoshi, state=State.ACKNOWLEDGED, days_ago=40, deadline_in=10)  # overdue
    refused = issued(ministry=ministry, developer=hoshi, state=State.DECLINED)
    declined(refused, after_days=3, reasons="学習データの構成は開示できません。")
    for state in (State.INSUFFICIENT, State.ESCALATED, State.CLOSED, State.WITHDRAWN, State.SUBMITTED):
        issued(ministry=ministry, developer=kumo, state=state, legal_basis=LegalBasis.ARTICLE_25)

    draft = DisclosureRequestFactory(ministry=ministry, developer=kumo, drafted_by=official, state=State.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    return {"published": published, "record": Record.objects.get(request=draft, variant=Variant.PUBLIC)}


def _pages(world) -> list[str]:
    published = world["published"]
    requests = [reverse("public:request_detail", args=[r]) for r in _public_references()]
    return [
        reverse("home"),
        reverse("public:index"),
        reverse("public:index") + "?state=declined",
        reverse("public:index") + "?overdue=true&sort=-deadline",
        reverse("public:index") + "?q=クモ&legal_basis=article_25",
        reverse("public:index") + "?state=no_such_state",  # the form says what is wrong, in Japanese
        *requests,
        reverse("public:request_detail", args=[published.reference]) + "#v1",
        reverse("public:companies"),
        reverse("public:companies") + "?sort=-declined",
        reverse("public:company_detail", args=["kumo"]),
        reverse("public:company_detail", args=["hoshi"]),
        reverse("public:sources") + "?q=青空",
        reverse("public:sources") + "?q=aozora.gr.jp",
        reverse("public:sources") + "?q=スタジオ",  # withheld: found nowhere
        reverse("public:sources"),
        reverse("public:statistics"),
        reverse("public:open_data"),
        reverse("verify"),
        reverse("log"),
    ]


def _public_references() -> list[str]:
    from disclosures.selectors.public import public

    return list(public().values_list("reference", flat=True))


def test_no_public_page_in_japanese_shows_a_raw_code_of_the_data_model(client, public_world):
    clear_page_cache()
    assert LogEntry.objects.exists()
    found = {}
    for url in _pages(public_world):
        response = client.get(url)
        assert response.status_code in (200, 400), url
        assert response["Content-Language"] == "ja", url
        codes = raw_codes_in(response.content.decode())
        if codes:
            found[url] = sorted(codes)
    assert found == {}
    # The crawl saw coded values rendered: a public declared source and its answer on the request page.
    sources = client.get(reverse("public:sources") + "?q=青空").content.decode()
    assert "青空文庫コーパス" in sources and "公開データセット" in visible_text(sources)


def test_the_verify_result_in_japanese_shows_no_raw_code(client, public_world):
    record = public_world["record"]
    response = client.post(reverse("verify"), {"pdf": SimpleUploadedFile("r.pdf", content(record), "application/pdf")})
    page = response.content.decode()
    assert response.context["outcome"] == "logged"
    assert raw_codes_in(page) == set()


def test_the_crawled_request_page_shows_labels_units_and_what_is_withheld_in_japanese(client, public_world):
    clear_page_cache()
    page = client.get(reverse("public:request_detail", args=[public_world["published"].reference])).content.decode()
    text = visible_text(page)
    for label in ("公開データセット", "12 ギガバイト", "3.2 テラバイト", "14 日", "10 件", "営業秘密", "省庁限り"):
        assert label in text, label
    # What is withheld is named, never shown: the trade-secret row, the confidential answer and file.
    assert "Common Crawl 2024" not in text and "社外秘の手順です" not in text and "契約.pdf" not in text
    assert "クロール対象の一覧は営業秘密です" not in text and "手順書の内容" not in text
    assert "省庁が認めた" in text
