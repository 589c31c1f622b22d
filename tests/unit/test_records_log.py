"""The public log: batched O(log n) appends, C2SP checkpoints and tiles, proofs, and what verify_log catches."""

import base64
import hashlib
import importlib
import random

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from disclosures.models import LogCheckpoint, LogEntry, LogTile, PendingLogEntry, Record, RecordJob
from disclosures.records import merkle, note
from disclosures.selectors import log as log_selectors
from disclosures.services.audit import record_event
from disclosures.services.log import enqueue_log_entry, entry_leaf_bytes, integrate_pending_entries
from tests import log_tampers
from tests.unit.test_records_signing import signed_record  # noqa: F401  (fixture)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13])
def test_every_inclusion_proof_verifies_and_a_wrong_leaf_does_not(size):
    leaves = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(size)]
    root = merkle.root(leaves)
    for index in range(size):
        proof = merkle.inclusion_proof(index, leaves)
        assert merkle.verify_inclusion(index=index, tree_size=size, leaf=leaves[index], proof=proof, expected_root=root)
        wrong = merkle.leaf_hash(b"forged")
        assert not merkle.verify_inclusion(index=index, tree_size=size, leaf=wrong, proof=proof, expected_root=root)


def built(leaves):
    builder, tiles = merkle.TreeBuilder(), {}
    for leaf in leaves:
        for level, position, node in builder.append(leaf):
            tiles.setdefault((level, position // merkle.TILE_WIDTH), bytearray()).extend(node)
    return builder, merkle.TileReader(lambda level, index: bytes(tiles.get((level, index), b""))), tiles


@pytest.mark.parametrize("size", [0, 1, 2, 7, 255, 256, 257, 513, 66000])
def test_the_compact_range_and_the_tiles_give_the_rfc_6962_root_and_tiles_as_c2sp_defines_them(size):
    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(size)]
    builder, reader, tiles = built(leaves)
    assert builder.root() == merkle.root(leaves) == reader.subtree(0, size)
    for (level, index), data in tiles.items():
        width = 256**level
        expected = [
            merkle.root(leaves[(index * 256 + i) * width : (index * 256 + i + 1) * width])
            for i in range(len(data) // 32)
        ]
        assert merkle.unpack(bytes(data)) == expected
        assert len(data) // 32 == (merkle.partial_width(size, level, index) or 256)


def test_tile_paths_follow_tlog_tiles():
    assert merkle.tile_index_path(1234067) == "x001/x234/067"
    assert merkle.tile_index_path(5) == "005"
    assert merkle.parse_tile_index("x001/x234/067") == 1234067
    with pytest.raises(ValueError):
        merkle.parse_tile_index("1/234")


def test_proofs_from_tiles_are_rfc_9162_proofs_and_a_checkpoint_that_is_no_extension_fails():
    rng = random.Random(16)
    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(700)]
    _, reader, _ = built(leaves)
    other = [merkle.leaf_hash(f"other {i}".encode()) for i in range(700)]
    for _ in range(60):
        first, second = sorted(rng.sample(range(1, 701), 2))
        proof = reader.consistency_proof(first, second)
        old, new = merkle.root(leaves[:first]), merkle.root(leaves[:second])
        assert merkle.verify_consistency(first=first, second=second, proof=proof, first_root=old, second_root=new)
        forked = merkle.root(other[:first])
        assert not merkle.verify_consistency(
            first=first, second=second, proof=proof, first_root=forked, second_root=new
        )
        index = rng.randrange(second)
        assert reader.inclusion_proof(index, second) == merkle.inclusion_proof(index, leaves[:second])


def test_appending_to_a_log_of_a_million_entries_hashes_o_log_n_nodes(db, signed_record, monkeypatch):  # noqa: F811
    size = 1_000_000
    leaves = (merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size))
    builder, tiles = merkle.TreeBuilder(), {}
    for leaf in leaves:
        for level, position, node in builder.append(leaf):
            if position // 256 >= (size >> (8 * level)) // 256:  # only the rightmost tiles are ever extended
                tiles.setdefault((level, position // 256), bytearray()).extend(node)
    LogTile.objects.bulk_create(LogTile(level=lv, index=ix, hashes=bytes(h)) for (lv, ix), h in tiles.items())
    LogEntry.objects.all().delete()
    LogCheckpoint.objects.all().delete()
    PendingLogEntry.objects.all().delete()
    body = note.Checkpoint(origin=note.log_origin(), tree_size=size, root_hash=builder.root()).body
    LogCheckpoint.objects.create(
        tree_size=size, root_hash=builder.root().hex(), frontier=merkle.pack(builder.frontier), chain_hash="00" * 32,
        note=note.sign_note(body, name=note.log_origin(), private_key=note.log_signing_key()),
        created_at=signed_record.created_at,
    )  # fmt: skip
    calls = {"node": 0}
    real = merkle.node_hash

    def counting(left, right):
        calls["node"] += 1
        return real(left, right)

    monkeypatch.setattr(merkle, "node_hash", counting)
    enqueue_log_entry(record=signed_record)
    assert integrate_pending_entries() == 1
    # one leaf: at most one merge per level and one fold per frontier hash, about 2 log2(n) = 40
    assert calls["node"] <= 2 * size.bit_length()
    entry = LogEntry.objects.get(record=signed_record)
    assert entry.index == size
    leaf = merkle.leaf_hash(entry_leaf_bytes(entry))
    builder.append(leaf)
    assert LogCheckpoint.objects.get(tree_size=size + 1).root_hash == builder.root().hex()


# ---------------------------------------------------------------- a real log


def more_records(base: Record, count: int, start: int = 0) -> list[Record]:
    records = []
    for n in range(start, start + count):
        data = f"record {base.pk} {n}".encode()
        event = record_event(action="accept", actor=None, request=base.request)
        job = RecordJob.objects.create(request=base.request, event=event, kind="decision", variant="public")
        records.append(
            Record.objects.create(
                job=job, request=base.request, kind=job.kind, variant="public", title=f"r{n}",
                file=ContentFile(data, name="r.pdf"), sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                page_count=1, signed_by="t",
            )
        )  # fmt: skip
    return records


@pytest.fixture
def log_of_five(signed_record):  # noqa: F811
    """Five entries in three checkpoints (sizes 1, 3 and 5); the first is the signed record itself."""
    records = more_records(signed_record, 4)
    for batch in (records[:2], records[2:]):
        for record in batch:
            enqueue_log_entry(record=record)
        integrate_pending_entries()
    assert list(LogCheckpoint.objects.values_list("tree_size", flat=True)) == [1, 3, 5]
    return LogEntry.objects.order_by("index")


def run_verify_log(*args):
    with pytest.raises(CommandError) as failure:
        call_command("verify_log", "--skip-files", *args)
    return failure


def test_a_rendering_worker_only_queues_its_entry_and_one_step_sequences_a_batch_under_one_checkpoint(signed_record):  # noqa: F811
    assert LogEntry.objects.get(record=signed_record).index == 0
    records = more_records(signed_record, 3)
    for record in records:
        enqueue_log_entry(record=record)
    assert PendingLogEntry.objects.count() == 3 and LogEntry.objects.count() == 1
    assert integrate_pending_entries() == 3
    assert list(LogEntry.objects.order_by("index").values_list("record", flat=True)) == [signed_record.pk] + [
        r.pk for r in records
    ]
    assert list(LogCheckpoint.objects.values_list("tree_size", flat=True)) == [1, 4]
    assert not PendingLogEntry.objects.exists()


def test_the_record_pipeline_queues_the_entry_in_its_transaction_and_sequences_after_commit(
    ministry, developer, official, django_capture_on_commit_callbacks
):
    from disclosures.services.requests import issue_request
    from disclosures.states import State
    from tests.factories import DisclosureRequestFactory

    request = DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        issue_request(request=request, by=official)
    assert any("integration" in repr(c) for c in callbacks)
    assert LogEntry.objects.get(record__request=request).index == 0
    assert not PendingLogEntry.objects.exists()


def test_a_killed_integration_step_leaves_no_gap_and_no_duplicate_index(signed_record, monkeypatch):  # noqa: F811
    records = more_records(signed_record, 3)
    for record in records:
        enqueue_log_entry(record=record)

    def killed(*args, **kwargs):
        raise SystemExit("killed while signing")

    monkeypatch.setattr(note, "sign_note", killed)
    with pytest.raises(SystemExit):
        integrate_pending_entries()
    assert LogEntry.objects.count() == 1 and PendingLogEntry.objects.count() == 3
    assert LogCheckpoint.objects.count() == 1 and LogTile.objects.get(level=0, index=0).hashes.__len__() == 32
    monkeypatch.undo()
    assert integrate_pending_entries() == 3
    assert list(LogEntry.objects.order_by("index").values_list("index", flat=True)) == [0, 1, 2, 3]
    call_command("verify_log", "--skip-files")


def test_each_checkpoint_is_a_c2sp_signed_note_by_the_log_key_not_the_records_key(client, log_of_five):
    text = client.get(reverse("log_checkpoint")).content.decode()
    verifier = note.log_verifier()
    body = note.verify_note(text, verifier)
    origin, size, root, _ = body.split("\n")
    assert (origin, size) == (note.log_origin(), "5")
    assert base64.b64decode(root).hex() == LogCheckpoint.objects.get(tree_size=5).root_hash
    assert text.splitlines()[4].startswith(f"\u2014 {origin} ")
    other = note.verifier_for(note.log_origin(), Ed25519PrivateKey.generate())
    with pytest.raises(note.NoteError):
        note.verify_note(text, other)
    page = client.get(reverse("log")).content.decode()
    assert verifier.vkey in page and verifier.fingerprint in page


def test_tiles_and_entry_bundles_are_served_as_tlog_tiles_and_full_ones_cached_for_ever(client, log_of_five):
    partial = client.get("/log/tile/0/000.p/5")
    assert partial.status_code == 200 and partial["Content-Type"] == "application/octet-stream"
    leaves = [bytes.fromhex(h) for h in log_of_five.values_list("leaf_hash", flat=True)]
    assert partial.content == b"".join(leaves)
    assert client.get("/log/tile/0/000.p/6").status_code == 404
    assert client.get("/log/tile/0/000").status_code == 404  # not full yet
    bundle = client.get("/log/tile/entries/000.p/5").content
    first_length = int.from_bytes(bundle[:2], "big")
    assert bundle[2 : 2 + first_length] == entry_leaf_bytes(log_of_five[0])
    LogTile.objects.filter(level=0, index=0).update(hashes=b"\x00" * 8192)
    full = client.get("/log/tile/0/000")
    assert full.status_code == 200 and "immutable" in full["Cache-Control"]
    assert "max-age=5" in client.get(reverse("log_checkpoint"))["Cache-Control"]


def test_the_published_inclusion_and_consistency_proofs_verify_against_the_signed_checkpoints(client, log_of_five):
    verifier = note.log_verifier()
    for entry in log_of_five:
        proof = client.get(reverse("log_entry", args=[entry.index])).json()
        checkpoint = note.verify_checkpoint(proof["checkpoint"], verifier)
        path = [base64.b64decode(h) for h in proof["inclusion_proof"]]
        leaf = merkle.leaf_hash(proof["leaf_hash_input"].encode())
        assert merkle.verify_inclusion(
            index=entry.index, tree_size=checkpoint.tree_size, leaf=leaf, proof=path, expected_root=checkpoint.root_hash
        )
    answer = client.get(reverse("log_consistency", args=[1, 5])).json()
    old = note.verify_checkpoint(answer["first_checkpoint"], verifier)
    new = note.verify_checkpoint(answer["second_checkpoint"], verifier)
    proof = [base64.b64decode(h) for h in answer["consistency_proof"]]
    assert merkle.verify_consistency(
        first=1, second=5, proof=proof, first_root=old.root_hash, second_root=new.root_hash
    )
    assert client.get(reverse("log_consistency", args=[2, 5])).status_code == 404  # no checkpoint of size 2


def test_verify_log_passes_on_an_untouched_log(log_of_five, capsys):
    call_command("verify_log")
    out = capsys.readouterr().out
    assert "consistent: 5 entries, 3 checkpoint(s)" in out and note.log_verifier().vkey in out


def test_verify_log_fails_and_names_an_altered_entry(log_of_five, capsys):
    log_tampers.alter_entry(1)
    assert "NOT consistent" in str(run_verify_log().value)
    assert "entry 1 was altered" in capsys.readouterr().err


def test_verify_log_fails_and_names_a_removed_entry(log_of_five, capsys):
    log_tampers.remove_entry(1)
    run_verify_log()
    errors = capsys.readouterr().err
    assert "entry 1 is missing" in errors and "has no log entry" in errors


def test_verify_log_fails_and_names_reordered_entries(log_of_five, capsys):
    log_tampers.reorder(1, 2)
    run_verify_log()
    assert "entry 1 is out of order" in capsys.readouterr().err


def test_verify_log_refuses_a_log_rewritten_recomputed_and_re_signed_with_a_fresh_key_of_the_same_name(
    log_of_five, capsys
):
    forger = log_tampers.rewrite_and_resign(1)
    run_verify_log()
    assert "not signed by the pinned log key" in capsys.readouterr().err
    # Pinning the forger's key instead shows the rest of the forgery is self-consistent: only the key tells.
    call_command("verify_log", "--skip-files", "--log-key", note.verifier_for(note.log_origin(), forger).vkey)


def test_verify_log_catches_a_roll_back_to_an_older_genuine_checkpoint(log_of_five, capsys):
    log_tampers.roll_back(3)
    run_verify_log()
    errors = capsys.readouterr().err
    assert errors.count("has no log entry: entries were removed or the log was rolled back") == 2


def test_verify_log_catches_a_tampered_tile_a_checkpoint_that_is_no_extension_and_a_stale_queue(
    log_of_five, capsys, settings
):
    LogTile.objects.filter(level=0, index=0).update(hashes=b"\x11" * 32 * 5)
    run_verify_log()
    assert "entry 0 is out of order or was replaced" in capsys.readouterr().err

    log_tampers.rebuild_tiles()
    key = note.log_signing_key()
    forked = note.Checkpoint(origin=note.log_origin(), tree_size=4, root_hash=merkle.leaf_hash(b"fork")).body
    LogCheckpoint.objects.filter(tree_size=3).update(
        tree_size=4, note=note.sign_note(forked, name=note.log_origin(), private_key=key), root_hash="aa" * 32
    )
    run_verify_log()
    assert "checkpoint 4: its row differs" in capsys.readouterr().err
    LogCheckpoint.objects.filter(tree_size=4).update(root_hash=merkle.leaf_hash(b"fork").hex())
    run_verify_log()
    errors = capsys.readouterr().err
    assert "the checkpoint of size 4 is not the root of the first 4 entries" in errors
    assert "not an extension of the checkpoint of size 4" in errors


def test_verify_log_reports_a_public_record_waiting_too_long_for_its_entry(signed_record, capsys, settings):  # noqa: F811
    (record,) = more_records(signed_record, 1)
    enqueue_log_entry(record=record)
    call_command("verify_log", "--skip-files")
    settings.RECORD_JOB_STALE_SECONDS = -1
    run_verify_log()
    assert "to be logged" in capsys.readouterr().err


def test_verify_log_reports_stored_files_that_do_not_match_their_records(log_of_five, capsys):
    record = log_of_five[2].record
    with record.file.open("wb") as handle:
        handle.write(b"another PDF")
    with pytest.raises(CommandError):
        call_command("verify_log")
    assert f"record {record.public_id}" in capsys.readouterr().err


def test_migrating_an_existing_log_keeps_the_same_leaves_and_the_same_root(signed_record):  # noqa: F811
    records = more_records(signed_record, 6)
    for record in records:
        enqueue_log_entry(record=record)
    integrate_pending_entries()
    leaves = [bytes.fromhex(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    old_root = merkle.root(leaves)  # what the old head signed: RFC 6962 over the same leaves
    LogTile.objects.all().delete()
    LogCheckpoint.objects.all().delete()
    migration = importlib.import_module("disclosures.migrations.0004_log_checkpoints")
    migration.build_tree(apps, None)
    (checkpoint,) = LogCheckpoint.objects.all()
    assert (checkpoint.tree_size, checkpoint.root_hash) == (7, old_root.hex())
    assert log_selectors.tile_reader().subtree(0, 7) == old_root
    call_command("verify_log", "--skip-files")
