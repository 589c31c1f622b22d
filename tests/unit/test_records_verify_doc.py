"""docs/verify_inclusion.py, the snippet docs/verifying-records.md gives, checks real records of a real log."""

import base64
import hashlib
import importlib.util
import json
from pathlib import Path

import pytest
from django.urls import reverse

from disclosures.models import LogEntry, Record
from disclosures.services.requests import issue_request
from disclosures.states import State
from tests.factories import DisclosureRequestFactory

DOCS = Path(__file__).resolve().parents[2] / "docs"


def load_snippet():
    spec = importlib.util.spec_from_file_location("verify_inclusion", DOCS / "verify_inclusion.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


snippet = load_snippet()


@pytest.fixture
def logged_records(ministry, developer, official):
    """Five issued requests: five signed public PDFs, logged as entries 0 to 4."""
    for _ in range(5):
        draft = DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)
        issue_request(request=draft, by=official)
    return list(Record.objects.order_by("log_entry__index"))


def pdf_sha256(record: Record) -> str:
    with record.file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_the_documented_snippet_proves_each_pdf_is_in_the_log_under_the_signed_head(client, logged_records):
    head = client.get(reverse("log_head")).json()
    assert head["tree_size"] == len(logged_records) == 5
    assert snippet.check_head_signature(head)
    for index, record in enumerate(logged_records):
        proof = client.get(reverse("log_entry", args=[index])).json()
        assert proof["head"] == head
        assert snippet.check_inclusion(pdf_sha256(record), proof) == index
        assert LogEntry.objects.get(index=index).record == record


@pytest.mark.django_db(transaction=True)
def test_the_documented_snippet_rejects_another_pdf_a_changed_entry_a_wrong_path_and_a_forged_head(
    client, logged_records
):
    proof = client.get(reverse("log_entry", args=[2])).json()
    genuine = pdf_sha256(logged_records[2])

    with pytest.raises(ValueError, match="another PDF"):
        snippet.check_inclusion(pdf_sha256(logged_records[1]), proof)
    changed = json.loads(json.dumps(proof))
    changed["entry"]["reference"] = "AIPA16-2026-9999"
    with pytest.raises(ValueError, match="leaf hash"):
        snippet.check_inclusion(genuine, changed)
    swapped = json.loads(json.dumps(proof))
    swapped["audit_path"].reverse()
    with pytest.raises(ValueError, match="signed root"):
        snippet.check_inclusion(genuine, swapped)
    shortened = json.loads(json.dumps(proof))
    shortened["audit_path"].pop()
    with pytest.raises(ValueError):
        snippet.check_inclusion(genuine, shortened)

    forged = dict(proof["head"], tree_size=proof["head"]["tree_size"] + 1)
    assert not snippet.check_head_signature(forged)
    other_signature = dict(proof["head"], signature=base64.b64encode(b"\x30\x06\x02\x01\x01\x02\x01\x01").decode())
    assert not snippet.check_head_signature(other_signature)


@pytest.mark.django_db(transaction=True)
def test_the_snippets_command_line_prints_ok_for_a_downloaded_pdf_and_proof(
    client, logged_records, tmp_path, monkeypatch, capsys
):
    record = logged_records[3]
    pdf = tmp_path / "record.pdf"
    with record.file.open("rb") as handle:
        pdf.write_bytes(handle.read())
    responses = {
        "https://portal.test/log/entries/3.json": client.get(reverse("log_entry", args=[3])).json(),
        "https://portal.test/log/head.json": client.get(reverse("log_head")).json(),
    }
    monkeypatch.setattr(snippet, "fetch_json", responses.__getitem__)

    assert snippet.main(["verify_inclusion.py", str(pdf), *responses]) == 0
    assert "is entry 3 of the log of 5" in capsys.readouterr().out


def test_the_documented_urls_are_the_portals():
    text = (DOCS / "verifying-records.md").read_text()
    assert "docs/verify_inclusion.py" in text
    for url in (reverse("log_head"), reverse("log_entry", args=[0]).replace("0", "<n>"), reverse("verify")):
        assert url in text
    assert "python manage.py verify_log" in text
