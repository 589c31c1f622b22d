"""Filing a concern: drafts that autosave, inspected evidence, clear errors for bad input, who sees what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concerns import services
from concerns.models import Concern, ConcernEvidence, State
from disclosures.deadlines import add_working_days, today_in_japan
from portal.accounts.models import Role
from tests.concerns_data import concern_input, filed_concern, rights_holder
from tests.factories import DeveloperFactory, MinistryFactory, RightsHolderFactory, member

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def holder(db):
    return rights_holder(RightsHolderFactory(name_ja="株式会社スタジオ風", name_en="Studio Kaze"))


def form_data(ministry, developer, **extra) -> dict:
    data = {
        "ministry": str(ministry.pk),
        "developer": str(developer.pk),
        "model_name": "Kumo Video",
        "observations": ["output_resembles"],
        "observed": "キャラクターに酷似した出力",
        "evidence_text": "",
        "evidence_links": "https://example.jp/a\nhttp://example.jp/b",
        "prompts": "",
        "asks": ["disclose_sources"],
        "works-TOTAL_FORMS": "2",
        "works-INITIAL_FORMS": "0",
        "works-MIN_NUM_FORMS": "0",
        "works-MAX_NUM_FORMS": "1000",
        "works-0-title_ja": "進撃の巨人",
        "works-0-title_en": "Attack on Titan",
        "works-0-kind": "anime_series",
        "works-0-identifier": "",
        "works-1-title_ja": "",
        "works-1-title_en": "",
        "works-1-kind": "",
        "works-1-identifier": "",
    }
    data.update(extra)
    return data


def test_a_rights_holder_drafts_and_files_a_concern_through_the_pages(client, login, holder, ministry, developer):
    login(client, holder)
    response = client.post(reverse("concerns:create"), form_data(ministry, developer))
    concern = Concern.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("concerns:edit", args=[concern.public_id])
    assert concern.state == State.DRAFT and concern.organisation == holder.organisation
    assert [w.title_ja for w in concern.works.all()] == ["進撃の巨人"]
    page = client.get(reverse("concerns:edit", args=[concern.public_id]))
    assert page.status_code == 200
    # The script carries this response's CSP nonce (an empty nonce attribute would be a silent mismatch).
    nonce = page["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'src="/static/js/autosave.js" nonce="{nonce}"' in page.text
    response = client.post(
        reverse("concerns:edit", args=[concern.public_id]),
        form_data(ministry, developer, revision=str(concern.revision), file="1"),
    )
    concern.refresh_from_db()
    assert response["Location"] == reverse("concerns:detail", args=[concern.public_id])
    assert concern.state == State.NEW and concern.reference.startswith("RH-")
    assert concern.due_date == add_working_days(today_in_japan(), 10)
    detail = client.get(reverse("concerns:detail", args=[concern.public_id]))
    assert "進撃の巨人" in detail.content.decode() and concern.reference in detail.content.decode()


def test_autosave_answers_with_json_and_a_new_revision(client, login, holder, ministry, developer):
    concern = services.start_concern(by=holder)
    login(client, holder)
    url = reverse("concerns:edit", args=[concern.public_id])
    response = client.post(url, form_data(ministry, developer, revision="0"), headers={"X-Autosave": "1"})
    assert response.status_code == 200 and response.json()["revision"] == 1
    concern.refresh_from_db()
    assert concern.observed == "キャラクターに酷似した出力"
    # A second tab still holding revision 0 loses nothing silently: it is told of the conflict.
    stale = client.post(
        url, form_data(ministry, developer, revision="0", observed="別の入力"), headers={"X-Autosave": "1"}
    )
    assert stale.status_code == 409
    concern.refresh_from_db()
    assert concern.observed == "キャラクターに酷似した出力"


def test_an_unknown_developer_is_a_field_error_and_the_input_stays(client, login, holder, ministry):
    login(client, holder)
    other_ministry = MinistryFactory()
    response = client.post(
        reverse("concerns:create"), form_data(ministry, other_ministry, observed="消えてはいけない観察")
    )
    assert response.status_code == 400
    assert "developer" in response.context["form"].errors
    assert "消えてはいけない観察" in response.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>x</script>", "ftp://example.jp/x"])
def test_links_with_scripts_are_refused_and_never_fetched(client, login, holder, ministry, developer, link):
    login(client, holder)
    response = client.post(reverse("concerns:create"), form_data(ministry, developer, evidence_links=link))
    assert response.status_code == 400
    assert "evidence_links" in response.context["form"].errors


def test_filing_needs_a_work_a_developer_an_observation_and_an_ask(holder, ministry, developer):
    concern = services.start_concern(
        by=holder, data=concern_input(ministry=ministry, developer=None, works=[], observations=[], asks=[])
    )
    with pytest.raises(ValidationError) as error:
        services.file_concern(concern=concern, by=holder)
    assert set(error.value.message_dict) == {"developer", "works", "observations", "asks"}
    concern.refresh_from_db()
    assert concern.state == State.DRAFT


def test_an_empty_works_list_shows_what_is_missing_on_the_page(client, login, holder, ministry, developer):
    concern = services.start_concern(by=holder, data=concern_input(ministry=ministry, developer=developer, works=[]))
    login(client, holder)
    data = form_data(ministry, developer, revision=str(concern.revision), file="1")
    data.update({"works-0-title_ja": "", "works-0-title_en": "", "works-0-kind": ""})
    response = client.post(reverse("concerns:edit", args=[concern.public_id]), data)
    assert response.status_code == 400
    assert len(response.context["filing_errors"]) == 1  # the works, and nothing else, are missing
    concern.refresh_from_db()
    assert concern.state == State.DRAFT


def test_evidence_goes_through_the_upload_inspection(client, login, holder, ministry, developer):
    concern = services.start_concern(by=holder, data=concern_input(ministry=ministry, developer=developer))
    login(client, holder)
    url = reverse("concerns:edit", args=[concern.public_id])
    ok = client.post(
        url,
        {
            **form_data(ministry, developer, revision=str(concern.revision)),
            "evidence": SimpleUploadedFile("still.png", PNG),
        },
    )
    assert ok.status_code == 302
    evidence = ConcernEvidence.objects.get()
    assert evidence.content_type == "image/png" and len(evidence.sha256) == 64
    concern.refresh_from_db()
    mislabelled = client.post(
        url,
        {
            **form_data(ministry, developer, revision=str(concern.revision)),
            "evidence": SimpleUploadedFile("still.png", b"%PDF-1.7\n%%EOF"),
        },
    )
    assert mislabelled.status_code == 400
    assert mislabelled.context["evidence_form"].errors
    assert ConcernEvidence.objects.count() == 1
    download = client.get(reverse("concerns:evidence", args=[concern.public_id, evidence.public_id]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


def test_oversized_evidence_is_refused(holder, ministry, developer, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    concern = services.start_concern(by=holder, data=concern_input(ministry=ministry, developer=developer))
    with pytest.raises(ValidationError) as error:
        services.add_evidence(concern=concern, by=holder, name="big.png", data=PNG + b"\x00" * 200)
    assert "evidence" in error.value.message_dict


def test_office_files_are_not_evidence(holder, ministry, developer):
    concern = services.start_concern(by=holder, data=concern_input(ministry=ministry, developer=developer))
    with pytest.raises(ValidationError):
        services.add_evidence(concern=concern, by=holder, name="notes.txt.exe", data=b"MZ\x90\x00")


def test_a_filed_concern_is_frozen(holder, ministry, developer):
    concern = filed_concern(by=holder, ministry=ministry, developer=developer)
    with pytest.raises(PermissionDenied):
        services.save_draft(
            concern=concern, by=holder, data=concern_input(ministry=ministry, developer=developer), revision=0
        )
    with pytest.raises(PermissionDenied):
        services.add_evidence(concern=concern, by=holder, name="x.png", data=PNG)


def test_a_rights_holder_never_sees_another_rights_holders_concern(client, login, holder, ministry, developer):
    other = rights_holder()
    draft = services.start_concern(by=other)
    filed = filed_concern(by=other, ministry=ministry, developer=developer)
    login(client, holder)
    for url in (
        reverse("concerns:edit", args=[draft.public_id]),
        reverse("concerns:detail", args=[filed.public_id]),
        reverse("concerns:edit", args=[filed.public_id]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("concerns:withdraw", args=[filed.public_id])).status_code == 404
    listing = client.get(reverse("concerns:list")).content.decode()
    assert filed.reference not in listing


def test_a_colleague_of_the_same_organisation_follows_the_concern(client, login, holder, ministry, developer):
    concern = filed_concern(by=holder, ministry=ministry, developer=developer)
    colleague = rights_holder(holder.organisation)
    login(client, colleague)
    assert client.get(reverse("concerns:detail", args=[concern.public_id])).status_code == 200


def test_developers_and_the_public_are_refused(client, login, holder, ministry, developer):
    concern = filed_concern(by=holder, ministry=ministry, developer=developer)
    url = reverse("concerns:detail", args=[concern.public_id])
    assert client.get(url).status_code == 302  # to sign in
    login(client, member(Role.SUBMITTER, developer))
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.start_concern(by=member(Role.RESPONDER, DeveloperFactory()))


def test_the_filer_withdraws_an_open_concern(client, login, holder, ministry, developer):
    concern = filed_concern(by=holder, ministry=ministry, developer=developer)
    login(client, holder)
    response = client.post(reverse("concerns:withdraw", args=[concern.public_id]), {"message": "解決済み"})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.state == State.WITHDRAWN
