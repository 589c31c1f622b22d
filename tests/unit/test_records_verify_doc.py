"""docs/verify_inclusion.py, the script docs/verifying-records.md gives, checks real records of a real log
against the pinned log key, and catches each tamper an insider could make in the database."""

import hashlib
import importlib.util
import urllib.error
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

from disclosures.models import Record
from disclosures.records import note
from disclosures.services.requests import issue_request
from disclosures.states import State
from tests import log_tampers
from tests.factories import DisclosureRequestFactory

DOCS = Path(__file__).resolve().parents[2] / "docs"
BASE = "https://portal.test/log/"


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


@pytest.fixture
def portal(client, monkeypatch):
    """The script's HTTP reads answered by the test portal."""

    def fetch(url: str) -> bytes:
        response = client.get(url.removeprefix("https://portal.test"))
        if response.status_code != 200:
            raise urllib.error.URLError(f"HTTP {response.status_code}")
        return response.content

    monkeypatch.setattr(snippet, "fetch", fetch)
    return client


def vkey() -> str:
    return note.log_verifier().vkey


def pdf_of(record: Record, folder: Path) -> Path:
    path = folder / f"{record.public_id}.pdf"
    with record.file.open("rb") as handle:
        path.write_bytes(handle.read())
    return path


def run(pdf: Path, index: int, *extra: str, key: str | None = None) -> int:
    return snippet.main(["verify_inclusion.py", "--log-key", key or vkey(), str(pdf), BASE, str(index), *extra])


@pytest.mark.django_db(transaction=True)
def test_the_documented_script_proves_each_pdf_is_in_the_log_under_the_pinned_key(
    portal, logged_records, tmp_path, capsys
):
    for index, record in enumerate(logged_records):
        assert run(pdf_of(record, tmp_path), index) == 0
        assert f"is entry {index} of the log of 5" in capsys.readouterr().out
    fingerprint = note.log_verifier().fingerprint
    pdf = pdf_of(logged_records[3], tmp_path)
    assert snippet.main(["verify_inclusion.py", "--log-key-sha256", fingerprint, str(pdf), BASE, "3"]) == 0


@pytest.mark.django_db(transaction=True)
def test_the_documented_script_rejects_another_pdf_another_key_and_a_log_that_is_no_extension(
    portal, logged_records, tmp_path, capsys
):
    pdf = pdf_of(logged_records[2], tmp_path)
    assert run(pdf, 1) == 1
    assert "logs another PDF" in capsys.readouterr().err
    stranger = note.verifier_for(note.log_origin(), Ed25519PrivateKey.generate()).vkey
    assert run(pdf, 2, key=stranger) == 1
    assert "not signed by the pinned log key" in capsys.readouterr().err
    assert snippet.main(["verify_inclusion.py", "--log-key-sha256", "00" * 32, str(pdf), BASE, "2"]) == 1
    capsys.readouterr()
    forked = tmp_path / "forked-checkpoint"
    body = note.Checkpoint(origin=note.log_origin(), tree_size=3, root_hash=hashlib.sha256(b"fork").digest()).body
    forked.write_text(note.sign_note(body, name=note.log_origin(), private_key=note.log_signing_key()))
    assert run(pdf, 2, "--previous", str(forked)) == 1
    assert "not an extension" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "tamper, index, expected",
    [
        (lambda: log_tampers.alter_entry(1), 1, "does not lead to the signed root"),
        (lambda: log_tampers.remove_entry(1), 1, "does not serve"),
        (lambda: log_tampers.reorder(1, 2), 1, "logs another PDF"),
        (lambda: log_tampers.rewrite_and_resign(1), 1, "not signed by the pinned log key"),
        (lambda: log_tampers.roll_back(3), 4, "not in the log of 3 entries"),
    ],
    ids=["alter", "remove", "reorder", "rewrite-and-resign", "roll-back"],
)
def test_each_database_tamper_is_caught_by_the_documented_script(
    portal, logged_records, tmp_path, capsys, tamper, index, expected
):
    pdf = pdf_of(logged_records[index], tmp_path)
    saved = tmp_path / "checkpoint"
    assert run(pdf, index, "--save", str(saved)) == 0
    tamper()
    assert run(pdf, index) == 1
    assert expected in capsys.readouterr().err
    if expected.startswith("not in the log"):
        assert run(pdf_of(logged_records[0], tmp_path), 0, "--previous", str(saved)) == 1
        assert "the log shrank from 5 to 3 entries" in capsys.readouterr().err


def test_the_documented_urls_and_commands_are_the_portals():
    text = (DOCS / "verifying-records.md").read_text()
    assert "docs/verify_inclusion.py" in text
    for url in (reverse("log"), reverse("log_checkpoint"), reverse("log_head"), reverse("verify")):
        assert url in text
    assert "/log/tile/<L>/<N>" in text and "/log/tile/entries/<N>" in text
    assert "python manage.py verify_log" in text and "--log-key" in text and "LOG_SIGNING_KEY" in text
