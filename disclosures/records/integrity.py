"""Whether the stored record files are the ones their rows describe: streamed SHA-256, constant memory.

A PDF swapped in storage for another one (another record's, a re-signed forgery) still carries a valid
signature; only its hash against the row that the log entry was made from tells it apart. `verify_log`
walks every record with `stored_file_problems()`, and the download view checks the one file it serves.
"""

import hashlib
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from django.core.files.storage import default_storage

CHUNK_SIZE = 64 * 1024
# A copy being checked before it is served stays in memory up to this size, then moves to a temporary file.
SPOOL_MAX_MEMORY = 1024 * 1024


def copy_and_hash(source: BinaryIO, target: BinaryIO | None = None) -> str:
    """The SHA-256 (hex) of what is left in `source`, read in chunks; each chunk also goes to `target` if given."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest()


def stored_sha256(name: str) -> str:
    """The SHA-256 of a file in default storage; FileNotFoundError (an OSError) if it is not there."""
    with default_storage.open(name, "rb") as stored:
        return copy_and_hash(stored)


def file_problem(record, actual_sha256: str | None) -> str | None:
    """What is wrong with a record's stored file given its hash (None: missing), or None when it matches."""
    where = f"record {record.public_id} ({record.variant}, {record.file.name})"
    if actual_sha256 is None:
        return f"{where}: the stored file is missing"
    if actual_sha256 != record.sha256:
        return f"{where}: the stored file's SHA-256 is {actual_sha256}, the record says {record.sha256}"
    return None


def copy_and_hash_prefix(source: BinaryIO, target: BinaryIO, prefix_size: int) -> tuple[str, str]:
    """Copy `source` to `target`; the SHA-256 of its first `prefix_size` bytes and of the whole."""
    whole, prefix = hashlib.sha256(), hashlib.sha256()
    seen = 0
    while chunk := source.read(CHUNK_SIZE):
        whole.update(chunk)
        if seen < prefix_size:
            prefix.update(chunk[: prefix_size - seen])
        seen += len(chunk)
        target.write(chunk)
    return (prefix.hexdigest() if seen >= prefix_size else ""), whole.hexdigest()


def verified_copy(record) -> BinaryIO | None:
    """A copy of the record's file to serve, positioned at its start, or None if it is missing or differs.

    The file served is the archive copy (the record with renewed document timestamps) when there is one:
    it must match its own hash and begin with exactly the signed and logged file. Storage is read once:
    the bytes are hashed as they are copied to a spooled temporary file, and the caller serves the copy,
    so what is served is exactly what was checked (storage may be remote).
    """
    name = record.archive_file.name if record.archive_file else record.file.name
    if not name:
        return None
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY)  # noqa: SIM115 (the response closes it)
    try:
        with default_storage.open(name, "rb") as stored:
            prefix, whole = copy_and_hash_prefix(stored, copy, record.size)
    except OSError:
        copy.close()
        return None
    expected = record.archive_sha256 if record.archive_file else record.sha256
    if whole != expected or prefix != record.sha256:
        copy.close()
        return None
    copy.seek(0)
    return copy


def stored_file_problems() -> Iterator[str]:
    """One human-readable line per record (public and complete alike) whose stored file is missing or differs.

    Rows are read in chunks from the database and files in chunks from storage, so memory stays
    constant however many records and however large their files.
    """
    from disclosures.models import Record

    fields = ("pk", "public_id", "variant", "file", "sha256", "size", "archive_file", "archive_sha256")
    records = Record.objects.only(*fields).order_by("pk")
    for record in records.iterator(chunk_size=500):
        try:
            actual = stored_sha256(record.file.name) if record.file.name else None
        except OSError:
            actual = None
        problem = file_problem(record, actual)
        if problem is not None:
            yield problem
        if record.archive_file:
            problem = archive_problem(record)
            if problem is not None:
                yield problem


def archive_problem(record) -> str | None:
    """What is wrong with a record's renewed (archive) copy, or None: it must match its hash and begin with the
    signed file."""
    where = f"record {record.public_id} (archive copy {record.archive_file.name})"
    try:
        with default_storage.open(record.archive_file.name, "rb") as stored:
            prefix, whole = copy_and_hash_prefix(stored, _Discard(), record.size)
    except OSError:
        return f"{where}: the stored file is missing"
    if whole != record.archive_sha256:
        return f"{where}: the stored file's SHA-256 is {whole}, the record says {record.archive_sha256}"
    if prefix != record.sha256:
        return f"{where}: it does not begin with the signed and logged file"
    return None


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)
