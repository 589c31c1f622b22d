"""Writing the public log: queueing record hashes, sequencing them in batches, keeping witnesses' cosignatures.

A worker that has stored a public record only adds a `PendingLogEntry` in its own transaction
(`enqueue_log_entry`), so rendering never waits on the log. One short step (`integrate_pending_entries`,
the `disclosures.integrate_log` task, serialised by a database lock) gives a batch its indices, grows the
tree from the last checkpoint's compact range (O(log n) hashes per entry), writes the tiles and signs one
C2SP checkpoint for the batch. It all happens in one transaction: a step killed half-way leaves nothing.
"""

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from disclosures.models import LogCheckpoint, LogCosignature, LogEntry, LogTile, PendingLogEntry, Record
from disclosures.records import merkle, note

logger = logging.getLogger(__name__)

EMPTY_CHAIN = bytes(32)
# pg_advisory_xact_lock key of the sequencer ("a16log" in ASCII).
SEQUENCER_LOCK = 0x613136_6C6F67


class LogCorrupted(Exception):
    """The stored tree does not continue where the latest checkpoint says; sequencing stops."""


def log_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_leaf_bytes(entry: LogEntry) -> bytes:
    """The entry's leaf data: the canonical JSON that the entry bundles serve and the leaf hash covers."""
    return merkle.leaf_bytes(
        record_sha256=entry.record_sha256,
        kind=entry.kind,
        reference=entry.reference,
        logged_at=log_time(entry.logged_at),
    )


def enqueue_log_entry(*, record: Record) -> PendingLogEntry:
    """Queue a logged record's hash (`Record.is_logged`) in the caller's transaction; sequenced after commit."""
    pending, _ = PendingLogEntry.objects.get_or_create(record=record)
    transaction.on_commit(_schedule_integration)
    return pending


def _schedule_integration() -> None:
    from disclosures import tasks

    try:
        tasks.integrate_log.delay()
    except KombuOperationalError:  # the broker is away: beat runs the sequencer again shortly
        logger.warning("Could not enqueue the log sequencer; beat will run it.", exc_info=True)


def _lock_sequencer() -> None:
    """Serialise sequencing: PostgreSQL by an advisory lock held until commit; SQLite serialises writers itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK])


def integrate_pending_entries() -> int:
    """Sequence every pending entry, in batches of LOG_BATCH_SIZE with one checkpoint each; returns how many."""
    total = 0
    while True:
        count = _integrate_batch(settings.LOG_BATCH_SIZE)
        total += count
        if count < settings.LOG_BATCH_SIZE:
            return total


def _integrate_batch(limit: int) -> int:
    with transaction.atomic():
        _lock_sequencer()
        pending = list(
            PendingLogEntry.objects.select_related("record__request", "record__concern").order_by("id")[:limit]
        )
        if not pending:
            return 0
        latest = LogCheckpoint.objects.order_by("-tree_size").first()
        if latest is None:
            builder, chain = merkle.TreeBuilder(), EMPTY_CHAIN
        else:
            builder = merkle.TreeBuilder(latest.tree_size, merkle.unpack(bytes(latest.frontier)))
            chain = bytes.fromhex(latest.chain_hash)
        logged_at = timezone.now().replace(microsecond=0)
        already = set(LogEntry.objects.filter(record__in=[p.record for p in pending]).values_list("record", flat=True))
        entries, added = [], {}
        for item in pending:
            record = item.record
            if record.pk in already:
                continue
            entry = LogEntry(
                index=builder.size,
                record=record,
                record_sha256=record.sha256,
                kind=record.kind,
                reference=record.reference,
                logged_at=logged_at,
            )
            leaf = merkle.leaf_hash(entry_leaf_bytes(entry))
            chain = merkle.chain_hash(chain, leaf)
            entry.leaf_hash, entry.chain_hash = leaf.hex(), chain.hex()
            entries.append(entry)
            for level, position, node in builder.append(leaf):
                added.setdefault((level, position // merkle.TILE_WIDTH), []).append((position, node))
        PendingLogEntry.objects.filter(pk__in=[p.pk for p in pending]).delete()
        if not entries:
            return len(pending)
        LogEntry.objects.bulk_create(entries)
        _write_tiles(added)
        root = builder.root()
        body = note.Checkpoint(origin=note.log_origin(), tree_size=builder.size, root_hash=root).body
        LogCheckpoint.objects.create(
            tree_size=builder.size,
            root_hash=root.hex(),
            note=note.sign_note(body, name=note.log_origin(), private_key=note.log_signing_key()),
            frontier=merkle.pack(builder.frontier),
            chain_hash=chain.hex(),
            created_at=logged_at,
        )
    return len(pending)


def _write_tiles(added: dict[tuple[int, int], list[tuple[int, bytes]]]) -> None:
    """Extend the rightmost tile of each level touched (a handful of rows per batch)."""
    for (level, index), hashes in added.items():
        tile = LogTile.objects.filter(level=level, index=index).first() or LogTile(level=level, index=index, hashes=b"")
        data = bytes(tile.hashes)
        first = hashes[0][0] % merkle.TILE_WIDTH
        if len(data) != first * merkle.HASH_SIZE:
            raise LogCorrupted(f"tile {level}/{index} holds {len(data) // 32} hashes, the log expects {first}")
        tile.hashes = data + merkle.pack([node for _, node in hashes])
        tile.save()


def add_cosignature(*, checkpoint: LogCheckpoint, line: str) -> LogCosignature:
    """Keep a configured witness's cosignature/v1 line on a checkpoint (note.NoteError if it does not verify)."""
    body, _signatures = note.split_note(checkpoint.note)
    _body, [(name, data)] = note.split_note(f"{body}\n{line.strip()}\n")
    for witness in note.witness_verifiers():
        if witness.name == name:
            timestamp = note.verify_cosignature(body, name, data, witness)
            cosignature, _ = LogCosignature.objects.update_or_create(
                checkpoint=checkpoint, witness=name, defaults={"timestamp": timestamp, "line": line.strip() + "\n"}
            )
            return cosignature
    raise note.NoteError(f"{name} is not a witness of this log (LOG_WITNESSES)")
