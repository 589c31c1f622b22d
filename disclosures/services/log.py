"""The public log: appending record hashes, the signed head, inclusion proofs, and checking it all."""

import base64
import datetime
import json
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.db import transaction
from django.utils import timezone

from disclosures.models import LogEntry, LogHead, Record
from disclosures.records import merkle
from disclosures.records.signing import signing_key

EMPTY_CHAIN = bytes(32)


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_leaf_bytes(entry: LogEntry) -> bytes:
    return merkle.leaf_bytes(
        record_sha256=entry.record_sha256,
        kind=entry.kind,
        reference=entry.reference,
        logged_at=_timestamp(entry.logged_at),
    )


def head_bytes(*, tree_size: int, root_hash: str, timestamp: str) -> bytes:
    """What the head signature covers: canonical JSON of size, root and time."""
    head = {"root_hash": root_hash, "timestamp": timestamp, "tree_size": tree_size}
    return json.dumps(head, sort_keys=True, separators=(",", ":")).encode()


def _sign(data: bytes) -> str:
    key = signing_key().private_key()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(data, ec.ECDSA(hashes.SHA256()))
    elif isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:
        raise TypeError(f"unsupported records key type {type(key).__name__}")
    return base64.b64encode(signature).decode()


def verify_head_signature(*, certificate_pem: str, data: bytes, signature_b64: str) -> bool:
    public_key = x509.load_pem_x509_certificate(certificate_pem.encode()).public_key()
    signature = base64.b64decode(signature_b64)
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _leaf_hashes() -> list[bytes]:
    return [bytes.fromhex(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]


@transaction.atomic
def append_to_log(*, record: Record) -> LogEntry:
    """Append a record's hash as the next leaf and re-sign the head.

    The head row is locked for the whole append, so two workers finishing at once take turns and
    the chain never forks; a second append of the same record fails on the one-to-one key.
    """
    LogHead.objects.get_or_create(pk=1)
    head = LogHead.objects.select_for_update().get(pk=1)
    logged_at = timezone.now().replace(microsecond=0)
    entry = LogEntry(
        index=head.tree_size,
        record=record,
        record_sha256=record.sha256,
        kind=record.kind,
        reference=record.request.reference,
        logged_at=logged_at,
    )
    leaf = merkle.leaf_hash(entry_leaf_bytes(entry))
    previous = bytes.fromhex(head.chain_hash) if head.chain_hash else EMPTY_CHAIN
    entry.leaf_hash = leaf.hex()
    entry.chain_hash = merkle.chain_hash(previous, leaf).hex()
    entry.save()
    head.tree_size += 1
    head.root_hash = merkle.root(_leaf_hashes()).hex()
    head.chain_hash = entry.chain_hash
    head.updated_at = logged_at
    head.signature = _sign(
        head_bytes(tree_size=head.tree_size, root_hash=head.root_hash, timestamp=_timestamp(logged_at))
    )
    head.certificate = signing_key().certificate_pem()
    head.save()
    return entry


def signed_head() -> dict:
    """The published head: anyone can check the signature with the certificate and compare roots."""
    head = LogHead.objects.filter(pk=1).first()
    if head is None or head.tree_size == 0:
        return {"tree_size": 0, "root_hash": merkle.root([]).hex(), "timestamp": None, "signature": None}
    return {
        "tree_size": head.tree_size,
        "root_hash": head.root_hash,
        "timestamp": _timestamp(head.updated_at),
        "signature": head.signature,
        "signature_algorithm": "ECDSA or RSA PKCS#1 v1.5 with SHA-256 over the canonical JSON of the other three",
        "certificate": head.certificate,
    }


def entry_json(entry: LogEntry) -> dict:
    return {
        "index": entry.index,
        "record_sha256": entry.record_sha256,
        "kind": entry.kind,
        "reference": entry.reference,
        "logged_at": _timestamp(entry.logged_at),
        "leaf_hash": entry.leaf_hash,
    }


def inclusion_proof(entry: LogEntry) -> dict:
    """The entry, its audit path to the current signed head, and that head."""
    head = signed_head()
    leaves = _leaf_hashes()[: head["tree_size"]]
    path = merkle.inclusion_proof(entry.index, leaves)
    return {
        "entry": entry_json(entry),
        "leaf_hash_input": entry_leaf_bytes(entry).decode(),
        "tree_size": head["tree_size"],
        "audit_path": [h.hex() for h in path],
        "head": head,
    }


def check_inclusion_proof(proof: dict) -> bool:
    """What docs/verifying-records.md describes, for one downloaded proof (no database needed)."""
    entry = proof["entry"]
    data = merkle.leaf_bytes(
        record_sha256=entry["record_sha256"],
        kind=entry["kind"],
        reference=entry["reference"],
        logged_at=entry["logged_at"],
    )
    leaf = merkle.leaf_hash(data)
    head = proof["head"]
    return (
        leaf.hex() == entry["leaf_hash"]
        and merkle.verify_inclusion(
            index=entry["index"],
            tree_size=head["tree_size"],
            leaf=leaf,
            proof=[bytes.fromhex(h) for h in proof["audit_path"]],
            expected_root=bytes.fromhex(head["root_hash"]),
        )
        and verify_head_signature(
            certificate_pem=head["certificate"],
            data=head_bytes(tree_size=head["tree_size"], root_hash=head["root_hash"], timestamp=head["timestamp"]),
            signature_b64=head["signature"],
        )
    )


@dataclass
class LogCheck:
    size: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_log() -> LogCheck:
    """Recompute the whole log from its rows and compare with the chain, the records and the signed head."""
    result = LogCheck()
    entries = list(LogEntry.objects.order_by("index").select_related("record"))
    result.size = len(entries)
    previous = EMPTY_CHAIN
    leaves: list[bytes] = []
    for position, entry in enumerate(entries):
        if entry.index != position:
            missing = ", ".join(str(i) for i in range(position, min(entry.index, position + 10)))
            result.problems.append(f"entry {missing} is missing (removed): next present entry is {entry.index}")
            # Resynchronise on the present rows so later entries are still checked one by one.
        recomputed = merkle.leaf_hash(entry_leaf_bytes(entry))
        if recomputed.hex() != entry.leaf_hash:
            result.problems.append(f"entry {entry.index} was altered: its fields no longer match its leaf hash")
        elif entry.record.sha256 != entry.record_sha256:
            result.problems.append(f"entry {entry.index} was altered: it no longer matches its record's hash")
        if merkle.chain_hash(previous, bytes.fromhex(entry.leaf_hash)).hex() != entry.chain_hash:
            result.problems.append(
                f"entry {entry.index} is out of order or follows a changed or removed entry (hash chain broken)"
            )
        if position > 0 and entry.logged_at < entries[position - 1].logged_at:
            result.problems.append(f"entry {entry.index} is out of order (logged before the entry preceding it)")
        previous = bytes.fromhex(entry.chain_hash)
        leaves.append(recomputed)
    head = LogHead.objects.filter(pk=1).first()
    if head is None:
        if entries:
            result.problems.append("the log head is missing")
        return result
    if head.tree_size != len(entries):
        result.problems.append(f"the signed head counts {head.tree_size} entries but {len(entries)} are present")
    if merkle.root(leaves).hex() != head.root_hash:
        result.problems.append("the recomputed Merkle root differs from the signed head's root")
    if head.tree_size and not verify_head_signature(
        certificate_pem=head.certificate,
        data=head_bytes(tree_size=head.tree_size, root_hash=head.root_hash, timestamp=_timestamp(head.updated_at)),
        signature_b64=head.signature,
    ):
        result.problems.append("the head's signature does not verify")
    return result
