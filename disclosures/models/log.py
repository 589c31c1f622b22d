"""The public append-only log of record hashes: hash-chained rows that are the leaves of a Merkle tree."""

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


class LogHead(models.Model):
    """The single head row: locked while appending, so concurrent workers cannot fork the chain."""

    tree_size = models.PositiveBigIntegerField(default=0)
    root_hash = models.CharField(max_length=64, blank=True)
    chain_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    # Base64 signature over `head_bytes()` by the records key, and that key's certificate (PEM).
    signature = models.TextField(blank=True)
    certificate = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"log head size={self.tree_size}"
