"""`verify_log`: re-derive the whole public log from its entries, streamed, in constant memory.

One pass over the entries (keyset pages of a few thousand rows) recomputes every leaf, the hash chain,
every tile hash at every level and the root at each kept checkpoint's size; each checkpoint's signature is
checked with the pinned log key only (never a key a checkpoint carries), and each checkpoint against the
one before it with an RFC 9162 consistency proof built from the stored tiles. Then every public record
must have its entry (an insider who deletes the newest checkpoints and entries leaves records without
one), and every stored record file must hash to its row.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from disclosures.models import LogCheckpoint, LogCosignature, LogEntry, LogTile, Record, RecordKind, Variant
from disclosures.records import merkle, note
from disclosures.services.log import EMPTY_CHAIN, log_time

CHUNK = 5000
MAX_PROBLEMS = 200


@dataclass
class LogCheck:
    size: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    @property
    def ok(self) -> bool:
        return not self.problems


def _keyset(queryset: QuerySet, key: str, position: int) -> Iterator[tuple]:
    """Rows of a values_list queryset in `key` order, a page at a time (constant memory on any database)."""
    last = None
    while True:
        page = queryset.order_by(key)
        if last is not None:
            page = page.filter(**{f"{key}__gt": last})
        rows = list(page[:CHUNK])
        yield from rows
        if len(rows) < CHUNK:
            return
        last = rows[-1][position]


class _StoredTiles:
    """The stored tile of each level that the pass is in (one row per level in memory)."""

    def __init__(self):
        self.current: dict[int, tuple[int, bytes]] = {}

    def fetch(self, level: int, index: int) -> bytes:
        held = self.current.get(level)
        if held is None or held[0] != index:
            data = LogTile.objects.filter(level=level, index=index).values_list("hashes", flat=True).first()
            held = (index, bytes(data) if data is not None else b"")
            self.current[level] = held
        return held[1]

    def hash_at(self, level: int, position: int) -> bytes | None:
        index, offset = divmod(position, merkle.TILE_WIDTH)
        data = self.fetch(level, index)
        end = (offset + 1) * merkle.HASH_SIZE
        return data[end - merkle.HASH_SIZE : end] if len(data) >= end else None


def _checkpoints(result: LogCheck, verifier: note.Verifier) -> Iterator[tuple[int, bytes]]:
    """(tree size, signed root) of every kept checkpoint in size order, each signature checked on the way."""
    last_id = None
    rows = LogCheckpoint.objects.values_list("tree_size", "id", "root_hash", "note")
    for tree_size, pk, root_hex, text in _keyset(rows, "tree_size", 0):
        result.checkpoints += 1
        if last_id is not None and pk < last_id:
            result.add(f"checkpoint {tree_size} was signed before a smaller one: the log was rolled back and regrown")
        last_id = pk
        try:
            signed = note.verify_checkpoint(text, verifier)
        except note.NoteError as error:
            result.add(f"checkpoint {tree_size} is not signed by the pinned log key ({error})")
            continue
        if signed.tree_size != tree_size or signed.root_hash.hex() != root_hex:
            result.add(f"checkpoint {tree_size}: its row differs from what its signed note says")
            continue
        yield tree_size, signed.root_hash


def check_log(*, verifier: note.Verifier | None = None, files: bool = True) -> LogCheck:
    """Everything `manage.py verify_log` checks; the problems found, one sentence each."""
    verifier = verifier or note.log_verifier()
    result = LogCheck()
    checkpoints = _checkpoints(result, verifier)
    upcoming = next(checkpoints, None)
    previous: tuple[int, bytes] | None = None
    stored = _StoredTiles()
    builder = merkle.TreeBuilder()
    chain, last_logged = EMPTY_CHAIN, None
    rows = LogEntry.objects.values_list(
        "index", "record_sha256", "kind", "reference", "logged_at", "leaf_hash", "chain_hash",
        "record__sha256", "record__variant", "record__kind",
    )  # fmt: skip
    for index, record_sha256, kind, reference, logged_at, leaf_hex, chain_hex, sha256, variant, record_kind in _keyset(
        rows, "index", 0
    ):
        while builder.size < index:  # removed entries: carry on with the tree's own hashes for their places
            gap = builder.size
            missing = ", ".join(str(i) for i in range(gap, min(index, gap + 10)))
            result.add(f"entry {missing} is missing (removed): next present entry is {index}")
            while builder.size < index:
                upcoming, previous = _feed(result, builder, stored, stored.hash_at(0, builder.size) or bytes(32),
                                           checkpoints, upcoming, previous)  # fmt: skip
        leaf = merkle.leaf_hash(
            merkle.leaf_bytes(
                record_sha256=record_sha256, kind=kind, reference=reference, logged_at=log_time(logged_at)
            )
        )
        if leaf.hex() != leaf_hex:
            result.add(f"entry {index} was altered: its fields no longer match its leaf hash")
        elif sha256 != record_sha256:
            result.add(f"entry {index} was altered: it no longer matches its record's hash")
        if variant != Variant.PUBLIC and record_kind != RecordKind.CONCERN:
            result.add(f"entry {index} logs a record that is not public")
        in_tile = stored.hash_at(0, index)
        if in_tile != leaf and leaf.hex() == leaf_hex:
            result.add(f"entry {index} is out of order or was replaced: it is not the leaf the tree holds there")
        if merkle.chain_hash(chain, bytes.fromhex(leaf_hex)).hex() != chain_hex:
            result.add(f"entry {index} is out of order or follows a changed or removed entry (hash chain broken)")
        if last_logged is not None and logged_at < last_logged:
            result.add(f"entry {index} is out of order (logged before the entry preceding it)")
        chain, last_logged = bytes.fromhex(chain_hex), logged_at
        upcoming, previous = _feed(result, builder, stored, leaf, checkpoints, upcoming, previous)
    result.size = builder.size
    _check_rightmost_tiles(result, builder)
    if upcoming is not None:
        result.add(
            f"the checkpoint of size {upcoming[0]} counts more than the {builder.size} entries present (removed)"
        )
        for _ in checkpoints:
            pass  # still check the remaining signatures
    if previous is None and builder.size:
        result.add(f"no signed checkpoint covers the log's {builder.size} entries")
    elif previous is not None and previous[0] < builder.size:
        result.add(f"entries {previous[0]} to {builder.size - 1} are not covered by any signed checkpoint")
    _check_cosignatures(result)
    _check_records(result)
    if files:
        from disclosures.records.integrity import stored_file_problems

        for problem in stored_file_problems():
            result.add(problem)
    if result.more_problems:
        result.problems.append(f"... and {result.more_problems} more problem(s)")
    return result


def _feed(result, builder, stored, leaf, checkpoints, upcoming, previous):
    """Grow the tree by one leaf, check the tile hashes it completes and any checkpoint it reaches."""
    for level, position, node in builder.append(leaf):
        if level and stored.hash_at(level, position) != node:
            result.add(f"tile {level}/{merkle.tile_index_path(position // merkle.TILE_WIDTH)} differs from the entries")
    while upcoming is not None and upcoming[0] <= builder.size:
        size, root = upcoming
        if size == builder.size and builder.root() != root:
            result.add(f"the checkpoint of size {size} is not the root of the first {size} entries")
        if previous is not None:
            _check_consistency(result, previous, upcoming)
        previous, upcoming = upcoming, next(checkpoints, None)
    return upcoming, previous


def _check_consistency(result: LogCheck, older: tuple[int, bytes], newer: tuple[int, bytes]) -> None:
    reader = merkle.TileReader(lambda level, index: LogTile.objects.filter(level=level, index=index)
                               .values_list("hashes", flat=True).first())  # fmt: skip
    try:
        proof = reader.consistency_proof(older[0], newer[0])
    except LookupError as error:
        result.add(f"no consistency proof from checkpoint {older[0]} to {newer[0]}: {error}")
        return
    if not merkle.verify_consistency(
        first=older[0], second=newer[0], proof=proof, first_root=older[1], second_root=newer[1]
    ):
        result.add(f"the checkpoint of size {newer[0]} is not an extension of the checkpoint of size {older[0]}")


def _check_rightmost_tiles(result: LogCheck, builder: merkle.TreeBuilder) -> None:
    """No tile holds hashes beyond the entries (the comparison above covered every hash up to there)."""
    level = 0
    while True:
        at_level = builder.size >> (merkle.TILE_HEIGHT * level)
        index, width = divmod(at_level, merkle.TILE_WIDTH)
        beyond = LogTile.objects.filter(level=level, index__gt=index)
        data = LogTile.objects.filter(level=level, index=index).values_list("hashes", flat=True).first()
        if beyond.exists() or (data is not None and len(data) > width * merkle.HASH_SIZE):
            result.add(f"the tiles of level {level} hold more hashes than the log has entries")
        if width and (data is None or len(data) < width * merkle.HASH_SIZE):
            result.add(f"tile {level}/{merkle.tile_index_path(index)} lacks hashes")
        if at_level < merkle.TILE_WIDTH:
            return
        level += 1


def _check_cosignatures(result: LogCheck) -> None:
    witnesses = {w.name: w for w in note.witness_verifiers()}
    rows = LogCosignature.objects.filter(witness__in=witnesses).values_list("id", "witness", "line", "checkpoint__note")
    for _pk, name, line, text in _keyset(rows, "id", 0):
        body, _ = note.split_note(text)
        try:
            _body, [(signer, data)] = note.split_note(f"{body}\n{line}")
            note.verify_cosignature(body, signer, data, witnesses[name])
        except (note.NoteError, ValueError) as error:
            result.add(f"the cosignature of {name} does not verify ({error})")


def _check_records(result: LogCheck) -> None:
    """Every logged record (public ones, concern receipts) is logged, or waits for the sequencer for less than
    the stale period."""
    stale_before = timezone.now() - timedelta(seconds=settings.RECORD_JOB_STALE_SECONDS)
    logged_kinds = Q(variant=Variant.PUBLIC) | Q(kind=RecordKind.CONCERN)
    rows = Record.objects.filter(logged_kinds, log_entry__isnull=True).values_list(
        "id", "public_id", "kind", "request__reference", "concern__reference", "sha256", "pending_log_entry__created_at"
    )
    for _pk, public_id, kind, reference, concern_reference, sha256, pending_since in _keyset(rows, "id", 0):
        label = "concern receipt" if kind == RecordKind.CONCERN else "public record"
        where = f"{label} {public_id} ({reference or concern_reference}, {kind}, SHA-256 {sha256[:16]}…)"
        if pending_since is None:
            result.add(f"{where} has no log entry: entries were removed or the log was rolled back")
        elif pending_since < stale_before:
            result.add(f"{where} has waited since {log_time(pending_since)} to be logged")
