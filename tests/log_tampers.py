"""What an insider with write access to the database could do to the log, for the verifiers' tests."""

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from django.utils import timezone

from disclosures.models import LogCheckpoint, LogEntry, LogTile
from disclosures.records import merkle, note
from disclosures.services.log import EMPTY_CHAIN, entry_leaf_bytes


def raw_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def alter_entry(index: int) -> None:
    raw_sql('UPDATE disclosures_logentry SET reference = %s WHERE "index" = %s', ["AIPA16-2026-9999", index])


def remove_entry(index: int) -> None:
    raw_sql('DELETE FROM disclosures_logentry WHERE "index" = %s', [index])


def reorder(first: int, second: int) -> None:
    raw_sql('UPDATE disclosures_logentry SET "index" = 1000000 WHERE "index" = %s', [first])
    raw_sql('UPDATE disclosures_logentry SET "index" = %s WHERE "index" = %s', [first, second])
    raw_sql('UPDATE disclosures_logentry SET "index" = %s WHERE "index" = 1000000', [second])


def rebuild_tiles() -> merkle.TreeBuilder:
    """Recompute every leaf, chain hash and tile from the entry rows as they now are."""
    LogTile.objects.all().delete()
    builder, tiles, chain = merkle.TreeBuilder(), {}, EMPTY_CHAIN
    for entry in LogEntry.objects.order_by("index"):
        leaf = merkle.leaf_hash(entry_leaf_bytes(entry))
        chain = merkle.chain_hash(chain, leaf)
        LogEntry.objects.filter(pk=entry.pk).update(leaf_hash=leaf.hex(), chain_hash=chain.hex())
        for level, position, node in builder.append(leaf):
            tiles.setdefault((level, position // merkle.TILE_WIDTH), []).append(node)
    for (level, index), hashes in tiles.items():
        LogTile.objects.create(level=level, index=index, hashes=merkle.pack(hashes))
    builder.chain = chain
    return builder


def rewrite_and_resign(index: int) -> Ed25519PrivateKey:
    """Point entry `index` (and its record row) at a forged PDF's hash, recompute the tree and re-sign
    every checkpoint with a fresh key of the same name. Returns the forger's key."""
    forged = hashlib.sha256(b"forged record").hexdigest()
    entry = LogEntry.objects.select_related("record").get(index=index)
    raw_sql("UPDATE disclosures_record SET sha256 = %s WHERE id = %s", [forged, entry.record_id])
    raw_sql('UPDATE disclosures_logentry SET record_sha256 = %s WHERE "index" = %s', [forged, index])
    builder = rebuild_tiles()
    forger = Ed25519PrivateKey.generate()
    origin = note.log_origin()
    LogCheckpoint.objects.all().delete()
    body = note.Checkpoint(origin=origin, tree_size=builder.size, root_hash=builder.root()).body
    LogCheckpoint.objects.create(
        tree_size=builder.size,
        root_hash=builder.root().hex(),
        note=note.sign_note(body, name=origin, private_key=forger),
        frontier=merkle.pack(builder.frontier),
        chain_hash=builder.chain.hex(),
        created_at=timezone.now(),
    )
    return forger


def roll_back(to_size: int) -> None:
    """Restore the log as it was at an older genuine checkpoint: newer checkpoints and entries gone."""
    LogCheckpoint.objects.filter(tree_size__gt=to_size).delete()
    LogEntry.objects.filter(index__gte=to_size).delete()
    rebuild_tiles()
