"""The verify page: a genuinely signed but altered file is "changed after signing"; the log entry comes
with its inclusion proof against the latest checkpoint and the log's consistency with an earlier one."""

import hashlib

from django.core.management import call_command

from disclosures.models import LogCheckpoint
from disclosures.records import note
from disclosures.services.log import enqueue_log_entry, integrate_pending_entries
from tests.unit.test_records_log import more_records
from tests.unit.test_records_signing import content, signed_record, verify  # noqa: F401  (fixture)


def test_a_genuinely_signed_file_changed_afterwards_is_called_changed_not_untrusted(client, signed_record):  # noqa: F811
    data = bytearray(content(signed_record))
    data[len(data) // 3] ^= 0x01
    response = verify(client, bytes(data))
    result = response.context["result"]
    page = response.content.decode()
    assert not result.valid and not result.intact and result.portal_certificate
    assert "not a key the portal trusts" not in page
    assert "This file was changed after the portal signed it" in page
    assert "The signing certificate is not the portal" not in page


def test_the_verify_page_shows_the_entry_its_inclusion_proof_and_the_growth_since_an_earlier_checkpoint(
    client,
    signed_record,  # noqa: F811
):
    earlier = LogCheckpoint.objects.get(tree_size=1).note
    for record in more_records(signed_record, 2):
        enqueue_log_entry(record=record)
    integrate_pending_entries()
    response = client.post(
        "/verify/",
        {"pdf": _upload(signed_record), "checkpoint": earlier.replace("\n", "\r\n")},
        headers={"accept-language": "en"},
    )
    page = response.content.decode()
    evidence = response.context["log"]
    assert evidence.entry.index == 0 and evidence.included and evidence.checkpoint.tree_size == 3
    assert "verified: the entry is in the tree" in page
    assert evidence.consistent and "extends your earlier one (1 entries)" in page

    origin, key = note.log_origin(), note.log_signing_key()
    forked = note.Checkpoint(origin=origin, tree_size=2, root_hash=hashlib.sha256(b"fork").digest()).body
    response = client.post(
        "/verify/",
        {"pdf": _upload(signed_record), "checkpoint": note.sign_note(forked, name=origin, private_key=key)},
        headers={"accept-language": "en"},
    )
    assert response.context["log"].consistent is False
    assert "is NOT an extension of your earlier one (2 entries)" in response.content.decode()

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stranger = note.sign_note(forked, name=origin, private_key=Ed25519PrivateKey.generate())
    response = client.post(
        "/verify/", {"pdf": _upload(signed_record), "checkpoint": stranger}, headers={"accept-language": "en"}
    )
    assert "The earlier checkpoint is not one the log signed" in response.content.decode()
    call_command("verify_log", "--skip-files")


def _upload(record):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("r.pdf", content(record), "application/pdf")
