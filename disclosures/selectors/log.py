"""Reading the public log: the latest checkpoint with its cosignatures, tiles, entry bundles and proofs."""

import base64
import struct
from dataclasses import dataclass, field

from disclosures.models import LogCheckpoint, LogEntry, LogTile
from disclosures.records import merkle, note
from disclosures.selectors.records import log_entry_for_hash
from disclosures.services.log import entry_leaf_bytes, log_time


def latest_checkpoint() -> LogCheckpoint | None:
    return LogCheckpoint.objects.order_by("-tree_size").first()


def checkpoint_text(checkpoint: LogCheckpoint) -> str:
    """The signed note with the log's signature and the cosignatures of the configured witnesses."""
    witnesses = {w.name for w in note.witness_verifiers()}
    lines = [c.line for c in checkpoint.cosignatures.order_by("witness") if c.witness in witnesses]
    return checkpoint.note + "".join(lines)


def cosignatures(checkpoint: LogCheckpoint) -> list:
    witnesses = {w.name for w in note.witness_verifiers()}
    return [c for c in checkpoint.cosignatures.order_by("witness") if c.witness in witnesses]


def _tile_data(level: int, index: int) -> bytes | None:
    data = LogTile.objects.filter(level=level, index=index).values_list("hashes", flat=True).first()
    return None if data is None else bytes(data)


def tile(level: int, index: int, width: int | None) -> bytes | None:
    """A full tile (width None) or the first `width` hashes of a partial one; None when the log has no such tile."""
    data = _tile_data(level, index)
    if data is None:
        return None
    if width is None:
        return data if len(data) == merkle.TILE_WIDTH * merkle.HASH_SIZE else None
    end = width * merkle.HASH_SIZE
    return data[:end] if len(data) >= end else None


def entry_bundle(index: int, width: int | None) -> bytes | None:
    """Entries index*256 ... as big-endian uint16 length-prefixed leaf data (C2SP tlog-tiles entry bundle)."""
    count = width or merkle.TILE_WIDTH
    start = index * merkle.TILE_WIDTH
    entries = list(LogEntry.objects.filter(index__gte=start, index__lt=start + count).order_by("index"))
    checkpoint = latest_checkpoint()
    if len(entries) != count or checkpoint is None or start + count > checkpoint.tree_size:
        return None
    parts = []
    for entry in entries:
        data = entry_leaf_bytes(entry)
        parts.append(struct.pack(">H", len(data)) + data)
    return b"".join(parts)


def tile_reader() -> merkle.TileReader:
    return merkle.TileReader(_tile_data)


def entry_json(entry: LogEntry) -> dict:
    return {
        "index": entry.index,
        "record_sha256": entry.record_sha256,
        "kind": entry.kind,
        "reference": entry.reference,
        "logged_at": log_time(entry.logged_at),
        "leaf_hash": entry.leaf_hash,
    }


def log_head() -> dict:
    """The latest checkpoint as JSON, with the pinned key that verifies it."""
    checkpoint = latest_checkpoint()
    verifier = note.log_verifier()
    head = {"origin": verifier.name, "log_key": verifier.vkey, "log_key_sha256": verifier.fingerprint}
    if checkpoint is None:
        return {**head, "tree_size": 0, "root_hash": merkle.EMPTY_ROOT.hex(), "checkpoint": None}
    return {
        **head,
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "checkpoint": checkpoint_text(checkpoint),
    }


def inclusion(entry: LogEntry, checkpoint: LogCheckpoint) -> dict:
    """The entry and its RFC 9162 inclusion proof against `checkpoint`."""
    path = tile_reader().inclusion_proof(entry.index, checkpoint.tree_size)
    return {
        "entry": entry_json(entry),
        "leaf_hash_input": entry_leaf_bytes(entry).decode(),
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "inclusion_proof": [base64.b64encode(h).decode() for h in path],
        "checkpoint": checkpoint_text(checkpoint),
    }


def consistency(first: int, second: int) -> list[bytes]:
    """RFC 9162 consistency proof between the trees of sizes `first` and `second` (both at most the latest)."""
    return tile_reader().consistency_proof(first, second)


def checkpoint_of_size(tree_size: int) -> LogCheckpoint | None:
    return LogCheckpoint.objects.filter(tree_size=tree_size).first()


@dataclass
class LogEvidence:
    """What the verify page shows about a file's hash: its entry, the proof, and the log's growth."""

    entry: LogEntry | None = None
    checkpoint: LogCheckpoint | None = None
    checkpoint_text: str = ""
    inclusion_proof: list[str] = field(default_factory=list)
    included: bool = False
    earlier_size: int | None = None
    consistency_proof: list[str] = field(default_factory=list)
    consistent: bool | None = None
    earlier_error: str = ""
    checkpoint_error: str = ""


def log_evidence(sha256: str, earlier: str = "") -> LogEvidence:
    """The entry logging `sha256`, its inclusion proof against the latest checkpoint (checked here with the
    pinned key), and, given an earlier checkpoint's text, whether the latest one extends it."""
    evidence = LogEvidence(entry=log_entry_for_hash(sha256))
    latest = evidence.checkpoint = latest_checkpoint()
    if latest is None:
        return evidence
    verifier = note.log_verifier()
    evidence.checkpoint_text = checkpoint_text(latest)
    try:
        signed = note.verify_checkpoint(latest.note, verifier)
    except note.NoteError as error:
        evidence.checkpoint_error = str(error)
        return evidence
    reader = tile_reader()
    entry = evidence.entry
    if entry is not None and entry.index < signed.tree_size:
        path = reader.inclusion_proof(entry.index, signed.tree_size)
        evidence.inclusion_proof = [base64.b64encode(h).decode() for h in path]
        evidence.included = merkle.verify_inclusion(
            index=entry.index,
            tree_size=signed.tree_size,
            leaf=merkle.leaf_hash(entry_leaf_bytes(entry)),
            proof=path,
            expected_root=signed.root_hash,
        )
    if earlier.strip():
        text = earlier.replace("\r\n", "\n").strip("\n") + "\n"
        try:
            old = note.verify_checkpoint(text, verifier)
        except note.NoteError as error:
            evidence.earlier_error = str(error)
            return evidence
        evidence.earlier_size = old.tree_size
        if old.tree_size > signed.tree_size:
            evidence.consistent = False
            return evidence
        proof = reader.consistency_proof(old.tree_size, signed.tree_size)
        evidence.consistency_proof = [base64.b64encode(h).decode() for h in proof]
        evidence.consistent = merkle.verify_consistency(
            first=old.tree_size,
            second=signed.tree_size,
            proof=proof,
            first_root=old.root_hash,
            second_root=signed.root_hash,
        )
    return evidence
