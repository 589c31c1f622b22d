"""The public append-only log of record hashes: entries (the leaves), tiles, checkpoints and cosignatures."""

from django.db import models


class LogEntry(models.Model):
    """One leaf of the public log. Only the public PDF's hash of a record ever appears here.

    `leaf_hash` is the RFC 6962 leaf hash of the entry's canonical JSON (see `merkle.leaf_bytes`);
    `chain_hash` links it to the previous entry, so rewriting or reordering history shows.
    """

    index = models.PositiveBigIntegerField(unique=True)
    record = models.OneToOneField("disclosures.Record", on_delete=models.PROTECT, related_name="log_entry")
    record_sha256 = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=20)
    reference = models.CharField(max_length=24)
    logged_at = models.DateTimeField()
    leaf_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["index"]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"#{self.index} {self.record_sha256[:12]}"


class PendingLogEntry(models.Model):
    """A public record waiting for the sequencer to give it its index: written in the record's transaction,
    so a worker never waits on the log, and a record is never lost between rendering and logging."""

    record = models.OneToOneField("disclosures.Record", on_delete=models.PROTECT, related_name="pending_log_entry")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"pending {self.record_id}"


class LogCheckpoint(models.Model):
    """Every checkpoint ever signed, one per sequenced batch: a C2SP signed note (`note`) over the
    checkpoint body, with the tree's compact range (`frontier`, the perfect-subtree roots, 32 bytes each)
    and the hash chain's end, from which the next batch continues in O(log n)."""

    tree_size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64)
    note = models.TextField()
    frontier = models.BinaryField()
    chain_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["tree_size"]

    def __str__(self) -> str:
        return f"checkpoint size={self.tree_size}"


class LogTile(models.Model):
    """One C2SP tlog-tiles tile: up to 256 consecutive hashes of level `level` (32 bytes each).

    Only the rightmost tile of each level grows; a full tile (8,192 bytes) never changes again.
    """

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hashes = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="log_tile_once")]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.index} ({len(self.hashes) // 32})"


class LogCosignature(models.Model):
    """A configured witness's cosignature/v1 line on a checkpoint, checked before it is kept."""

    checkpoint = models.ForeignKey(LogCheckpoint, on_delete=models.CASCADE, related_name="cosignatures")
    witness = models.CharField(max_length=200)
    timestamp = models.PositiveBigIntegerField()
    line = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["checkpoint", "witness"], name="log_cosignature_once")]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint_id}"
