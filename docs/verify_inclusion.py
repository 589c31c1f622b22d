"""Check that a record's PDF is in the portal's public log, with Python's standard library and `cryptography`.

    python verify_inclusion.py --log-key VKEY RECORD.pdf https://PORTAL/log/ INDEX [--previous FILE] [--save FILE]
    python verify_inclusion.py --log-key-sha256 HEX RECORD.pdf https://PORTAL/log/ INDEX ...

It reads only the log's C2SP resources: the checkpoint (`checkpoint`), the entry bundle and the tiles
(`tile/...`). It checks the checkpoint's Ed25519 signature with the key YOU give (the verifier key that
the portal publishes on its /log/ page, or the SHA-256 of that key), finds entry INDEX in its bundle,
compares its SHA-256 with the PDF's, and recomputes the tree root from the tiles along an RFC 9162
inclusion proof. With --previous (a checkpoint saved earlier, e.g. with --save) it also checks that the
log only grew: the old checkpoint's signature, and an RFC 9162 consistency proof built from the tiles.
Exit status 0 when everything holds; otherwise it names what failed. docs/verifying-records.md explains
the steps; tests/unit/test_records_verify_doc.py runs this file against a real log, tampered and not.

A record kept PAdES B-LTA has later document timestamps appended to the file that was logged: the entry
then matches the file as it ended at an earlier revision (%%EOF), which the script finds and says. It also
names the PAdES level the file's structure shows (B-B, B-T, B-LT, B-LTA); the signatures themselves are
checked with a PDF validator (poppler's `pdfsig`, see docs/verifying-records.md), not here.
"""

import argparse
import base64
import hashlib
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TILE_WIDTH = 256


class Failed(Exception):
    """Something the log serves does not hold up."""


# ---------------------------------------------------------------- RFC 6962 / 9162 hashing


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_inclusion_proof(index: int, tree_size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2."""
    fn, sn, root = index, tree_size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise Failed("the inclusion proof is too long")
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
        raise Failed("the inclusion proof is too short")
    return root


def consistent(first: int, second: int, proof: list[bytes], first_root: bytes, second_root: bytes) -> bool:
    """RFC 9162 section 2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if first == 0 or not proof:
        return first == 0
    if first & (first - 1) == 0:
        proof = [first_root, *proof]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


# ---------------------------------------------------------------- C2SP signed note and checkpoint


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """(name, key ID, Ed25519 public key) of a signed-note verifier key "<name>+<hex id>+<base64(0x01 || key)>"."""
    name, key_id, material = vkey.strip().split("+", 2)
    data = base64.b64decode(material)
    if len(data) != 33 or data[0] != 0x01:
        raise Failed("the log key is not an Ed25519 verifier key")
    if hashlib.sha256(name.encode() + b"\n\x01" + data[1:]).digest()[:4].hex() != key_id:
        raise Failed("the log key's ID does not match its key")
    return name, bytes.fromhex(key_id), data[1:]


def verify_checkpoint(text: str, vkey: str) -> tuple[int, bytes, str]:
    """(tree size, root hash, body) of a checkpoint signed by the pinned key; Failed otherwise."""
    name, key_id, public_key = parse_vkey(vkey)
    if "\n\n" not in text:
        raise Failed("the checkpoint carries no signature")
    cut = text.rindex("\n\n")
    body, signatures = text[: cut + 1], text[cut + 2 :].splitlines()
    for line in signatures:
        dash, signer, signature = line.split(" ")
        data = base64.b64decode(signature)
        if dash == "\u2014" and signer == name and data[:4] == key_id:
            try:
                Ed25519PublicKey.from_public_bytes(public_key).verify(data[4:], body.encode())
            except InvalidSignature:
                raise Failed("the checkpoint's signature by the log key does not verify") from None
            break
    else:
        raise Failed(f"the checkpoint is not signed by the pinned log key {name}+{key_id.hex()}")
    origin, size, root = body.split("\n")[:3]
    if origin != name:
        raise Failed(f"the checkpoint is for {origin!r}, not {name!r}")
    return int(size), base64.b64decode(root), body


# ---------------------------------------------------------------- reading the tiles


def tile_path(index: int) -> str:
    """tlog-tiles index encoding: 1234067 is x001/x234/067."""
    groups = []
    while True:
        index, group = divmod(index, 1000)
        groups.append(group)
        if index == 0:
            break
    groups.reverse()
    return "/".join([f"x{g:03d}" for g in groups[:-1]] + [f"{groups[-1]:03d}"])


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the user's own portal URL
        return response.read()


class Tiles:
    """Subtree hashes of the tree of `tree_size` leaves, from the tiles that tree size calls for."""

    def __init__(self, base: str, tree_size: int):
        self.base, self.tree_size, self.tiles = base, tree_size, {}

    def get(self, kind: str, index: int) -> bytes:
        level = 0 if kind == "entries" else int(kind)
        width = (self.tree_size >> (8 * level)) - index * TILE_WIDTH
        suffix = "" if width >= TILE_WIDTH else f".p/{width}"
        url = f"{self.base}tile/{kind}/{tile_path(index)}{suffix}"
        if url not in self.tiles:
            try:
                self.tiles[url] = fetch(url)
            except (urllib.error.URLError, KeyError) as error:
                raise Failed(f"the log does not serve {url} ({error})") from None
        return self.tiles[url]

    def hashes(self, level: int, start: int, count: int) -> list[bytes]:
        index, offset = divmod(start, TILE_WIDTH)
        data = self.get(str(level), index)
        if len(data) < (offset + count) * 32:
            raise Failed(f"tile {level}/{tile_path(index)} is too short")
        return [data[i * 32 : i * 32 + 32] for i in range(offset, offset + count)]

    def subtree(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]): from one tile when it is an aligned perfect subtree, else split as RFC 6962 does."""
        n = hi - lo
        if n & (n - 1) == 0 and lo % n == 0:
            height = n.bit_length() - 1
            level, rest = divmod(height, 8)
            nodes = self.hashes(level, lo >> (8 * level), 1 << rest)
            while len(nodes) > 1:
                nodes = [node_hash(nodes[i], nodes[i + 1]) for i in range(0, len(nodes), 2)]
            return nodes[0]
        k = split(n)
        return node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))

    def inclusion_proof(self, index: int) -> list[bytes]:
        path, lo, hi = [], 0, self.tree_size
        while hi - lo > 1:
            k = split(hi - lo)
            if index < lo + k:
                path.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                path.append(self.subtree(lo, lo + k))
                lo += k
        return path[::-1]

    def consistency_proof(self, first: int) -> list[bytes]:
        proof, lo, hi, m, whole = [], 0, self.tree_size, first, True
        while m != hi - lo:
            k = split(hi - lo)
            if m <= k:
                proof.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self.subtree(lo, lo + k))
                lo, m, whole = lo + k, m - k, False
        if not whole:
            proof.append(self.subtree(lo, hi))
        return proof[::-1]

    def entry(self, index: int) -> bytes:
        """The leaf data of entry `index` from its entry bundle (big-endian uint16 length-prefixed entries)."""
        bundle, at = self.get("entries", index // TILE_WIDTH), 0
        for _ in range(index % TILE_WIDTH):
            at += 2 + int.from_bytes(bundle[at : at + 2], "big")
        length = int.from_bytes(bundle[at : at + 2], "big")
        if at + 2 + length > len(bundle):
            raise Failed(f"the entry bundle holding entry {index} is too short")
        return bundle[at + 2 : at + 2 + length]


# ---------------------------------------------------------------- the PDF's revisions and PAdES level

REVISION_END = re.compile(rb"%%EOF(\r\n|\r|\n)?")
# DER of the OID id-aa-signatureTimeStampToken (1.2.840.113549.1.9.16.2.14), as hex in a signature's /Contents.
SIGNATURE_TIMESTAMP_OID = "060b2a864886f70d010910020e"


def revision_hashes(pdf: bytes) -> list[str]:
    """SHA-256 of the whole file, then of the file as it ended after each earlier revision, newest first."""
    running, position, prefixes = hashlib.sha256(), 0, []
    for match in REVISION_END.finditer(pdf):
        if match.end() >= len(pdf):
            break
        running.update(pdf[position : match.end()])
        position = match.end()
        prefixes.append(running.copy().hexdigest())
    return [hashlib.sha256(pdf).hexdigest(), *reversed(prefixes)]


def pades_level(pdf: bytes) -> str:
    """The PAdES baseline level the file's structure shows (not a signature check)."""
    contents = b"".join(re.findall(rb"/Contents\s*<([0-9A-Fa-f]+)>", pdf)).decode().lower()
    if SIGNATURE_TIMESTAMP_OID not in contents:
        return "B-B"
    if b"/DSS" not in pdf:
        return "B-T"
    return "B-LTA" if b"/DocTimeStamp" in pdf else "B-LT"


# ---------------------------------------------------------------- the checks


def check_record(
    pdf_sha256: str | list[str], base: str, index: int, vkey: str, previous: str | None = None
) -> tuple[int, str]:
    """(tree size, checkpoint text) when entry `index` logs this PDF under a checkpoint signed by the pinned key.

    `pdf_sha256` may list the hashes of the file's revisions (`revision_hashes`): the entry must log one.
    """
    candidates = [pdf_sha256] if isinstance(pdf_sha256, str) else pdf_sha256
    text = fetch(base + "checkpoint").decode()
    tree_size, root, _ = verify_checkpoint(text, vkey)
    tiles = Tiles(base, tree_size)
    if previous is not None:
        old_size, old_root, _ = verify_checkpoint(previous, vkey)
        if old_size > tree_size:
            raise Failed(f"the log shrank from {old_size} to {tree_size} entries: it was rolled back")
        if not consistent(old_size, tree_size, tiles.consistency_proof(old_size), old_root, root):
            raise Failed(f"the checkpoint of size {tree_size} is not an extension of the earlier one ({old_size})")
    if not 0 <= index < tree_size:
        raise Failed(f"entry {index} is not in the log of {tree_size} entries")
    data = tiles.entry(index)
    entry = json.loads(data)
    if entry.get("record_sha256") not in {c.lower() for c in candidates}:
        raise Failed(f"entry {index} logs another PDF ({entry.get('record_sha256')})")
    leaf = leaf_hash(data)
    if root_from_inclusion_proof(index, tree_size, leaf, tiles.inclusion_proof(index)) != root:
        raise Failed(f"entry {index} does not lead to the signed root: the entry or the tree was changed")
    return tree_size, text


def log_key_from_fingerprint(base: str, fingerprint: str) -> str:
    """The vkey the portal publishes, accepted only if its public key has the SHA-256 you were given."""
    vkey = json.loads(fetch(base + "head.json"))["log_key"]
    if hashlib.sha256(parse_vkey(vkey)[2]).hexdigest() != fingerprint.lower():
        raise Failed("the log key the portal serves is not the one whose fingerprint you gave")
    return vkey


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    key = parser.add_mutually_exclusive_group(required=True)
    key.add_argument("--log-key", help="the log's published verifier key (signed-note vkey)")
    key.add_argument("--log-key-sha256", help="the SHA-256 of the log's public key, as published")
    parser.add_argument("pdf", type=Path)
    parser.add_argument("log_url", help="the log's address, e.g. https://portal.example.go.jp/log/")
    parser.add_argument("index", type=int, help="the record's entry number (#n on the request page)")
    parser.add_argument("--previous", type=Path, help="a checkpoint fetched earlier: the log must extend it")
    parser.add_argument("--save", type=Path, help="keep the checkpoint checked now, for --previous next time")
    args = parser.parse_args(argv[1:])
    base = args.log_url if args.log_url.endswith("/") else args.log_url + "/"
    pdf = args.pdf.read_bytes()
    hashes = revision_hashes(pdf)
    pdf_sha256 = hashes[0]
    try:
        vkey = args.log_key or log_key_from_fingerprint(base, args.log_key_sha256)
        previous = args.previous.read_text() if args.previous else None
        tree_size, text = check_record(hashes, base, args.index, vkey, previous)
    except (Failed, ValueError) as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 1
    if args.save:
        args.save.write_text(text)
    logged = json.loads(Tiles(base, tree_size).entry(args.index))["record_sha256"]
    print(f"OK: {args.pdf} (SHA-256 {pdf_sha256}) is entry {args.index} of the log of {tree_size}")
    if logged != pdf_sha256:
        print(f"    as the file it was at an earlier revision (SHA-256 {logged}), extended by later revisions")
    print(f"PAdES level (structure): {pades_level(pdf)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
