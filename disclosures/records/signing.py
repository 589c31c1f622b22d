"""Signing records with pyHanko: a certifying PAdES signature, B-B without a timestamp authority and B-LTA with one.

The key and chain come from a PKCS#12 file named in the settings. In development, without one, a
self-signed key pair is generated on first use under DATA_DIR and reused afterwards; production
refuses to run without a configured key.

With `RECORD_TSA_URL` set, a record is signed with a signature timestamp, the validation data of the
signer's and the TSA's chains (certificates, OCSP responses, CRLs, fetched from the URLs in the
certificates) in the document security store, and a document timestamp over all of it: PAdES B-LTA.
`extend_archive_timestamp` adds a fresh document timestamp (and the validation data of the previous one)
before the last one's TSA certificate expires, so the record stays verifiable for decades.
"""

import datetime
import os
import threading
from contextlib import contextmanager
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
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator import ValidationContext

from disclosures.records.errors import RevocationDataUnavailable

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


def timestamp_authority_roots() -> tuple[asn1_x509.Certificate, ...]:
    """The TSA's trust anchors from `RECORD_TSA_ROOTS` (a PEM file), loaded once per process; () if unset."""
    path = settings.RECORD_TSA_ROOTS
    if not path:
        return ()
    with _lock:
        if ("tsa-roots", path) not in _cache:
            certificates = x509.load_pem_x509_certificates(Path(path).read_bytes())
            _cache[("tsa-roots", path)] = tuple(
                asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certificates
            )
        return _cache[("tsa-roots", path)]


def timestamper(url: str | None = None) -> RequestsHTTPTimeStamper | None:
    """The configured RFC 3161 timestamp authority, or None (records are then PAdES B-B)."""
    url = url or settings.RECORD_TSA_URL
    return RequestsHTTPTimeStamper(url, timeout=settings.RECORD_TSA_TIMEOUT) if url else None


def validation_context(key: SigningKey, *, fetching: bool) -> ValidationContext:
    """Trust anchors for the records key and the TSA; with `fetching`, revocation data is fetched (hard-fail).

    Without RECORD_TSA_ROOTS the system's trust store is added, where a public TSA's root usually is.
    """
    roots = [*key.trust_roots, *timestamp_authority_roots()]
    common = {"allow_fetching": True, "revocation_mode": "hard-fail"} if fetching else {"allow_fetching": False}
    if settings.RECORD_TSA_ROOTS or not settings.RECORD_TSA_URL:
        return ValidationContext(trust_roots=roots, **common)
    return ValidationContext(extra_trust_roots=roots, **common)


def sign_pdf(pdf: bytes, *, reason: str, key: SigningKey | None = None) -> bytes:
    """Certify the PDF: any later change other than none at all (DocMDP level 1) invalidates it.

    With a timestamp authority the result is PAdES B-LTA (validation data and a document timestamp are
    long-term-archival updates, which DocMDP level 1 allows).
    """
    key = key or signing_key()
    stamper = timestamper()
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="Japan",
        signer_key_usage={"digital_signature"},
        embed_validation_info=stamper is not None,
        use_pades_lta=stamper is not None,
        validation_context=validation_context(key, fetching=True) if stamper is not None else None,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    with _revocation_data_may_be_unavailable():
        output = signers.sign_pdf(writer, meta, signer=key.signer, timestamper=stamper)
    return output.getvalue()


@contextmanager
def _revocation_data_may_be_unavailable():
    """Turn pyHanko's "no revocation information could be found" into an error the record task retries."""
    from pyhanko.sign.general import SigningError
    from pyhanko_certvalidator.errors import InsufficientRevinfoError

    try:
        yield
    except SigningError as error:
        if isinstance(error.__cause__, InsufficientRevinfoError):
            raise RevocationDataUnavailable(str(error.__cause__)) from error
        raise


def latest_timestamp_expiry(pdf: bytes) -> datetime.datetime | None:
    """When the TSA certificate of the PDF's last document timestamp expires; None without one (not B-LTA)."""
    stamps = PdfFileReader(BytesIO(pdf), strict=False).embedded_timestamp_signatures
    if not stamps:
        return None
    return stamps[-1].signer_cert["tbs_certificate"]["validity"]["not_after"].native


def extend_archive_timestamp(pdf: bytes, *, key: SigningKey | None = None) -> bytes:
    """The PDF with the last document timestamp's validation data and a new document timestamp appended.

    Only appends (an incremental update), so the record as signed and logged stays a prefix of the result.
    """
    stamper = timestamper()
    if stamper is None:
        raise ImproperlyConfigured("Renewing document timestamps needs RECORD_TSA_URL.")
    output = BytesIO()
    with _revocation_data_may_be_unavailable():
        signers.PdfTimeStamper(stamper).update_archival_timestamp_chain(
            PdfFileReader(BytesIO(pdf), strict=False),
            validation_context(key or signing_key(), fetching=True),
            in_place=False,
            output=output,
        )
    return output.getvalue()
