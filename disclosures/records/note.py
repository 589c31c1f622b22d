"""The log's signatures in the C2SP formats: signed notes, checkpoints and witness cosignatures.

- `signed-note`: a text body, a blank line, then lines "— <key name> base64(key ID || signature)".
  Ed25519 keys have signature type 0x01; key ID = SHA-256(name || "\\n" || 0x01 || public key)[:4];
  a verifier key ("vkey") is "<name>+<hex key ID>+base64(0x01 || public key)".
- `tlog-checkpoint`: the body is "<origin>\\n<tree size>\\n<base64 root hash>\\n".
- `tlog-cosignature` cosignature/v1: type 0x04; the witness signs "cosignature/v1\\ntime <t>\\n" + body
  and its signature is base64(key ID || 8-byte big-endian t || Ed25519 signature).

The log key signs checkpoints only; it is not the records (PDF) key. Verification always uses a key
given to it (configured or published), never one that a checkpoint or file carries.
"""

import base64
import hashlib
import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
DASH = "\u2014"

_lock = threading.Lock()
_cache: dict[str, Ed25519PrivateKey] = {}


class NoteError(ValueError):
    """A note, checkpoint or key that is malformed or whose signature does not verify."""


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(name: str, kind: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A named Ed25519 public key, as a signed-note verifier key (kind 0x01) or a cosigner (0x04)."""

    name: str
    public_key: bytes
    kind: int = ED25519

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.kind, self.public_key)

    @property
    def vkey(self) -> str:
        material = base64.b64encode(bytes([self.kind]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw 32-byte public key, hex: what the log page and the docs publish beside the vkey."""
        return hashlib.sha256(self.public_key).hexdigest()

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def parse_vkey(text: str) -> Verifier:
    try:
        name, hex_id, material = text.strip().split("+", 2)
        data = base64.b64decode(material, validate=True)
    except ValueError:
        raise NoteError(f"not a verifier key: {text!r}") from None
    if not name or len(data) != 33 or data[0] not in (ED25519, COSIGNATURE_V1):
        raise NoteError(f"not an Ed25519 verifier key: {text!r}")
    verifier = Verifier(name=name, public_key=data[1:], kind=data[0])
    if verifier.key_id.hex() != hex_id.lower():
        raise NoteError(f"the verifier key's ID does not match its key: {text!r}")
    return verifier


def verifier_for(name: str, private_key: Ed25519PrivateKey, kind: int = ED25519) -> Verifier:
    return Verifier(name=name, public_key=raw_public_key(private_key.public_key()), kind=kind)


# ---------------------------------------------------------------- signed notes


def sign_note(body: str, *, name: str, private_key: Ed25519PrivateKey) -> str:
    """The body followed by its signature block with one Ed25519 signature."""
    if not body.endswith("\n"):
        raise NoteError("a note body ends with a newline")
    verifier = verifier_for(name, private_key)
    signature = private_key.sign(body.encode())
    return f"{body}\n{signature_line(name, verifier.key_id + signature)}"


def signature_line(name: str, data: bytes) -> str:
    return f"{DASH} {name} {base64.b64encode(data).decode()}\n"


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """(body, [(key name, decoded signature)]) of a signed note."""
    if not note.endswith("\n") or "\n\n" not in note:
        raise NoteError("not a signed note (no signature block)")
    cut = note.rindex("\n\n")
    body, block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in block.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise NoteError(f"malformed signature line {line!r}")
        try:
            signatures.append((parts[1], base64.b64decode(parts[2], validate=True)))
        except ValueError:
            raise NoteError(f"malformed signature line {line!r}") from None
    return body, signatures


def verify_note(note: str, verifier: Verifier) -> str:
    """The note's body if it carries a valid signature by `verifier`; NoteError otherwise."""
    body, signatures = split_note(note)
    for name, data in signatures:
        if name == verifier.name and data[:4] == verifier.key_id and len(data) == 68:
            if verifier.verify(data[4:], body.encode()):
                return body
            raise NoteError(f"the signature by {name} does not verify")
    raise NoteError(f"the note carries no signature by the pinned key {verifier.name}+{verifier.key_id.hex()}")


# ---------------------------------------------------------------- checkpoints


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes

    @property
    def body(self) -> str:
        return f"{self.origin}\n{self.tree_size}\n{base64.b64encode(self.root_hash).decode()}\n"


def parse_checkpoint(body: str) -> Checkpoint:
    lines = body.split("\n")
    if len(lines) < 4 or not lines[0] or not lines[1].isdigit() or (lines[1] != "0" and lines[1][0] == "0"):
        raise NoteError("not a checkpoint body")
    try:
        root_hash = base64.b64decode(lines[2], validate=True)
    except ValueError:
        raise NoteError("the checkpoint's root hash is not base64") from None
    if len(root_hash) != 32:
        raise NoteError("the checkpoint's root hash is not 32 bytes")
    return Checkpoint(origin=lines[0], tree_size=int(lines[1]), root_hash=root_hash)


def verify_checkpoint(note: str, verifier: Verifier) -> Checkpoint:
    """The checkpoint a note signed by the pinned log key holds; NoteError if it is not one."""
    checkpoint = parse_checkpoint(verify_note(note, verifier))
    if checkpoint.origin != verifier.name:
        raise NoteError(f"the checkpoint is for {checkpoint.origin!r}, not {verifier.name!r}")
    return checkpoint


# ---------------------------------------------------------------- cosignatures (tlog-cosignature v1)


def cosignature_message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def cosign(body: str, *, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """The signature line a witness adds to a checkpoint it has checked."""
    verifier = verifier_for(name, private_key, COSIGNATURE_V1)
    signature = private_key.sign(cosignature_message(body, timestamp))
    return signature_line(name, verifier.key_id + struct.pack(">Q", timestamp) + signature)


def verify_cosignature(body: str, name: str, data: bytes, witness: Verifier) -> int:
    """The cosignature's timestamp if `data` is a valid cosignature/v1 of `body` by `witness`; else NoteError."""
    if name != witness.name or len(data) != 76 or data[:4] != witness.key_id:
        raise NoteError(f"not a cosignature by {witness.name}")
    (timestamp,) = struct.unpack(">Q", data[4:12])
    if not witness.verify(data[12:], cosignature_message(body, timestamp)):
        raise NoteError(f"the cosignature by {witness.name} does not verify")
    return timestamp


# ---------------------------------------------------------------- keys from the configuration


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 key from a PEM (PKCS#8) file or a file of the 32-byte raw seed."""
    data = path.read_bytes()
    if len(data) == 32:
        return Ed25519PrivateKey.from_private_bytes(data)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except ValueError:
        raise ImproperlyConfigured(f"{path} is not an Ed25519 key (PEM PKCS#8 or 32 raw bytes).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} holds a {type(key).__name__}, not an Ed25519 key.")
    return key


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """Write a new key file atomically; if another process made one first, theirs is kept."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def development_log_key_path() -> Path:
    return Path(settings.DATA_DIR) / "signing" / "dev-log-key.pem"


def log_signing_key() -> Ed25519PrivateKey:
    """The log's Ed25519 key from LOG_SIGNING_KEY (a development key made on first use; refused in production)."""
    configured = settings.LOG_SIGNING_KEY
    path = Path(configured) if configured else development_log_key_path()
    with _lock:
        if str(path) in _cache:
            return _cache[str(path)]
        if not configured:
            if getattr(settings, "PRODUCTION", False):
                raise ImproperlyConfigured("Production needs LOG_SIGNING_KEY (the log's Ed25519 key).")
            if not path.exists():
                write_private_key(path, Ed25519PrivateKey.generate())
        key = load_private_key(path)
        _cache[str(path)] = key
        return key


def log_origin() -> str:
    return settings.LOG_ORIGIN


def log_verifier() -> Verifier:
    """The pinned log key: LOG_VERIFIER_KEY when configured (an auditor without the private key), else the log key's."""
    if settings.LOG_VERIFIER_KEY:
        return parse_vkey(settings.LOG_VERIFIER_KEY)
    return verifier_for(log_origin(), log_signing_key())


def witness_verifiers() -> list[Verifier]:
    """The witnesses whose cosignatures the log accepts and shows (LOG_WITNESSES, cosignature/v1 vkeys)."""
    return [parse_vkey(vkey) for vkey in settings.LOG_WITNESSES]
