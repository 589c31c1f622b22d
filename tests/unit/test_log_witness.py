"""Witnesses: the witness command cosigns a checkpoint it has checked, the log keeps and shows the
cosignatures of configured witnesses, and a witness refuses a log that shrank or forked."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from disclosures.models import LogCheckpoint, LogCosignature
from disclosures.records import note
from disclosures.records.logcheck import check_log
from disclosures.services.log import add_cosignature, enqueue_log_entry, integrate_pending_entries
from tests import log_tampers
from tests.unit.test_records_log import more_records
from tests.unit.test_records_signing import signed_record  # noqa: F401  (fixture)


@pytest.fixture
def witness(tmp_path, settings, capsys):
    key, state = tmp_path / "w1.pem", tmp_path / "w1.json"
    args = ["--name", "witness.example.org/w1", "--key", str(key), "--state", str(state)]
    call_command("witness_log", *args, "--print-vkey")
    settings.LOG_WITNESSES = [capsys.readouterr().out.strip()]
    return args


def test_the_witness_cosigns_a_checked_checkpoint_and_the_log_shows_it(client, signed_record, witness):  # noqa: F811
    call_command("witness_log", *witness)
    text = client.get(reverse("log_checkpoint")).content.decode()
    body, signatures = note.split_note(text)
    assert [name for name, _ in signatures] == [note.log_origin(), "witness.example.org/w1"]
    witness_key = note.witness_verifiers()[0]
    assert witness_key.kind == note.COSIGNATURE_V1
    assert note.verify_cosignature(body, *signatures[1], witness_key) > 0
    assert "witness.example.org/w1" in client.get(reverse("log")).content.decode()
    for record in more_records(signed_record, 2):
        enqueue_log_entry(record=record)
    integrate_pending_entries()
    call_command("witness_log", *witness)
    assert LogCosignature.objects.filter(checkpoint__tree_size=3).exists()
    assert check_log(files=False).ok


def test_the_witness_refuses_a_log_that_was_rolled_back_and_one_that_forked(signed_record, witness):  # noqa: F811
    for record in more_records(signed_record, 2):
        enqueue_log_entry(record=record)
    integrate_pending_entries()
    call_command("witness_log", *witness)
    log_tampers.roll_back(1)
    with pytest.raises(CommandError, match="shrank from 3 to 1"):
        call_command("witness_log", *witness)
    for record in more_records(
        signed_record, 3, start=10
    ):  # regrown with other entries: a fork of what the witness saw
        enqueue_log_entry(record=record)
    integrate_pending_entries()
    with pytest.raises(CommandError, match="does not extend 3"):
        call_command("witness_log", *witness)


def test_the_log_refuses_a_cosignature_by_an_unconfigured_witness_or_over_another_checkpoint(
    signed_record,  # noqa: F811
    witness,
    tmp_path,
):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    checkpoint = LogCheckpoint.objects.get()
    body, _ = note.split_note(checkpoint.note)
    stranger = note.cosign(body, name="stranger.example/w", private_key=Ed25519PrivateKey.generate(), timestamp=1)
    with pytest.raises(note.NoteError, match="not a witness"):
        add_cosignature(checkpoint=checkpoint, line=stranger)
    impostor = note.cosign(body, name="witness.example.org/w1", private_key=Ed25519PrivateKey.generate(), timestamp=1)
    with pytest.raises(note.NoteError):
        add_cosignature(checkpoint=checkpoint, line=impostor)
    assert not LogCosignature.objects.exists()
