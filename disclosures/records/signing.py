"""Signing records with pyHanko: a certifying PAdES signature (B-B, or B-T with a timestamp authority).

The key and chain come from a PKCS#12 file named in the settings. In development, without one, a
self-signed key pair is generated on first use under DATA_DIR and reused afterwards; production
refuses to run without a configured key.
"""

import datetime
import os
import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper

DEV_KEY_NAME = "Article 16 disclosure portal (development records key)"
SIGNATURE_FIELD = "RecordSignature"

_lock = threading.Lock()
_cache: dict[tuple, "SigningKey"] = {}


@dataclass(frozen=True)
class SigningKey:
    signer: signers.SimpleSigner
    # The certificates a verifier should trust: the chain's root, or the self-signed certificate.
    trust_roots: tuple[asn1_x509.Certificate, ...]

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self.signer.signing_cert

    @property
    def signer_name(self) -> str:
        return self.certificate.subject.human_friendly

    def certificate_pem(self) -> str:
        cert = x509.load_der_x509_certificate(self.certificate.dump())
        return cert.public_bytes(serialization.Encoding.PEM).decode()

    def private_key(self):
        """The key as a `cryptography` object, for signing the log head with the same identity."""
        from cryptography.hazmat.primitives.serialization import load_der_private_key

        return load_der_private_key(self.signer.signing_key.dump(), password=None)


def development_key_path() -> Path:
    return Path(settings.DATA_DIR) / "signing" / "dev-records-key.p12"


def _generate_development_pkcs12(path: Path) -> None:
    """Make a self-signed P-256 key pair; concurrent first uses agree on one file (link is atomic)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Article 16 disclosure portal"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_KEY_NAME),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(b"records", key, cert, None, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process made the key first; use theirs
    finally:
        tmp.unlink()


def _load(path: Path, passphrase: bytes | None) -> SigningKey:
    data = path.read_bytes()
    _key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
    if signer is None or cert is None:
        raise ImproperlyConfigured(f"{path} holds no key and certificate.")
    chain = [cert, *extra]
    roots = [c for c in chain if c.issuer == c.subject] or [chain[-1]]
    return SigningKey(
        signer=signer,
        trust_roots=tuple(asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in roots),
    )


def signing_key() -> SigningKey:
    """The records key from settings, loaded once per process (or the development key, made on first use)."""
    configured = settings.RECORD_SIGNING_PKCS12
    passphrase = settings.RECORD_SIGNING_PASSPHRASE
    cache_key = (configured, passphrase, str(settings.DATA_DIR))
    with _lock:
        if cache_key in _cache:
            return _cache[cache_key]
        if configured:
            key = _load(Path(configured), passphrase.encode() if passphrase else None)
        else:
            if getattr(settings, "PRODUCTION", False):
                raise ImproperlyConfigured("Production needs RECORD_SIGNING_PKCS12 (and RECORD_SIGNING_PASSPHRASE).")
            path = development_key_path()
            if not path.exists():
                _generate_development_pkcs12(path)
            key = _load(path, None)
        _cache[cache_key] = key
        return key


def sign_pdf(pdf: bytes, *, reason: str, key: SigningKey | None = None) -> bytes:
    """Certify the PDF: any later change other than none at all (DocMDP level 1) invalidates it."""
    key = key or signing_key()
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="Japan",
        signer_key_usage={"digital_signature"},
    )
    timestamper = HTTPTimeStamper(settings.RECORD_TSA_URL) if settings.RECORD_TSA_URL else None
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    output = signers.sign_pdf(writer, meta, signer=key.signer, timestamper=timestamper)
    return output.getvalue()
