"""Check that a record's PDF is in the portal's public log, with nothing but Python's standard library.

    python verify_inclusion.py RECORD.pdf https://PORTAL/log/entries/N.json [https://PORTAL/log/head.json]

It recomputes the entry's leaf hash and the Merkle root from the inclusion proof (RFC 6962 / RFC 9162
hashing, as the portal does), compares the root with the signed head, and checks the head's signature
with the `openssl` command. Exit status 0 when everything holds. docs/verifying-records.md explains the
steps; tests/unit/test_records_verify_doc.py runs this file against a real log.
"""

import base64
import hashlib
import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path


def leaf_hash(entry: dict) -> bytes:
    """SHA-256(0x00 || canonical JSON of the entry's four fields): sorted keys, no spaces, UTF-8."""
    fields = {key: entry[key] for key in ("kind", "logged_at", "record_sha256", "reference")}
    data = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_proof(index: int, tree_size: int, leaf: bytes, audit_path: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root that the leaf at `index` and its audit path lead to."""
    if not 0 <= index < tree_size:
        raise ValueError(f"entry {index} is not in a tree of {tree_size} entries")
    fn, sn, root = index, tree_size - 1, leaf
    for sibling in audit_path:
        if sn == 0:
            raise ValueError("the audit path is too long")
        if fn % 2 == 1 or fn == sn:
            root = node_hash(sibling, root)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            root = node_hash(root, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("the audit path is too short")
    return root


def check_inclusion(pdf_sha256: str, proof: dict) -> int:
    """Return the entry's index if the proof shows this PDF in the log under the proof's head; else raise."""
    entry, head = proof["entry"], proof["head"]
    if entry["record_sha256"] != pdf_sha256.lower():
        raise ValueError("this entry logs another PDF")
    leaf = leaf_hash(entry)
    if leaf.hex() != entry["leaf_hash"]:
        raise ValueError("the entry's fields do not give its leaf hash")
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    if root_from_proof(entry["index"], head["tree_size"], leaf, path).hex() != head["root_hash"]:
        raise ValueError("the inclusion proof does not lead to the signed root")
    return entry["index"]


def signed_head_bytes(head: dict) -> bytes:
    """What the head's signature covers: canonical JSON of root_hash, timestamp and tree_size."""
    fields = {key: head[key] for key in ("root_hash", "timestamp", "tree_size")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def check_head_signature(head: dict, openssl: str = "openssl") -> bool:
    """Verify the head's signature (ECDSA or RSA, SHA-256) with the certificate it carries."""
    with tempfile.TemporaryDirectory() as folder:
        files = Path(folder)
        (files / "head.json").write_bytes(signed_head_bytes(head))
        (files / "head.sig").write_bytes(base64.b64decode(head["signature"]))
        (files / "head.crt").write_text(head["certificate"])
        key = subprocess.run(  # noqa: S603 - fixed arguments and files written here
            [openssl, "x509", "-in", files / "head.crt", "-pubkey", "-noout"], capture_output=True, check=True
        ).stdout
        (files / "head.pub").write_bytes(key)
        command = [openssl, "dgst", "-sha256", "-verify", files / "head.pub", "-signature", files / "head.sig"]
        return subprocess.run([*command, files / "head.json"], capture_output=True).returncode == 0  # noqa: S603


def fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the user's own portal URL
        return json.load(response)


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__)
        return 2
    pdf_sha256 = hashlib.sha256(Path(argv[1]).read_bytes()).hexdigest()
    proof = fetch_json(argv[2])
    index = check_inclusion(pdf_sha256, proof)
    if not check_head_signature(proof["head"]):
        raise ValueError("the head's signature does not verify")
    if len(argv) == 4:
        current = fetch_json(argv[3])
        if current["tree_size"] == proof["head"]["tree_size"] and current["root_hash"] != proof["head"]["root_hash"]:
            raise ValueError("the published head has another root for the same size: the log was rewritten")
    print(f"OK: {argv[1]} (SHA-256 {pdf_sha256}) is entry {index} of the log of {proof['head']['tree_size']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
