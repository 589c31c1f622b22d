"""Checking a PDF someone hands us: is the signature valid, by whom, was the file changed after signing."""

import hashlib
import logging
from dataclasses import dataclass, field
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

from disclosures.records.signing import SigningKey, signing_key

logger = logging.getLogger(__name__)


@dataclass
class Verification:
    sha256: str
    size: int
    readable: bool = False
    signed: bool = False
    # The cryptographic signature matches the signed bytes.
    intact: bool = False
    # The signer's certificate chains to the portal's records key (and the signature is intact).
    trusted: bool = False
    # The certificate in the signature is the portal's records key's, whether or not the signature still holds.
    portal_certificate: bool = False
    # Nothing was changed or appended after signing (the signature covers the entire file).
    unchanged: bool = False
    certified: bool = False
    signer: str = ""
    signed_at: str = ""
    timestamped: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.readable and self.signed and self.intact and self.trusted and self.unchanged


def verify_pdf(data: bytes, *, key: SigningKey | None = None) -> Verification:
    """Validate the first (certifying) signature of a PDF against the portal's trust roots.

    Any failure to read or validate makes the answer "not valid", with the reason in `problems`;
    nothing is fetched from the network (no OCSP or CRL look-ups, the trust root is local).
    """
    result = Verification(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # a damaged upload can fail anywhere in the parser
        result.problems.append(f"The file could not be read as a PDF ({type(error).__name__}).")
        return result
    result.readable = True
    if not signatures:
        result.problems.append("The file has no digital signature.")
        return result
    result.signed = True
    embedded = signatures[0]
    key = key or signing_key()
    context = ValidationContext(trust_roots=list(key.trust_roots), allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception as error:  # a corrupted CMS blob raises from deep inside the validator
        logger.info("Signature validation failed: %r", error)
        result.problems.append(f"The signature could not be validated ({type(error).__name__}).")
        return result
    result.intact = bool(status.intact and status.valid)
    result.trusted = bool(status.trusted)
    # pyHanko reports "untrusted" whenever the signature is broken; whose certificate it is we check apart.
    result.portal_certificate = result.trusted or _is_portal_certificate(status.signing_cert, key)
    result.signer = status.signing_cert.subject.human_friendly
    result.certified = embedded.sig_object.get("/Reference") is not None or bool(
        reader.root.get("/Perms", {}).get("/DocMDP")
    )
    signing_time = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    result.signed_at = signing_time.isoformat() if signing_time else ""
    result.timestamped = status.timestamp_validity is not None
    result.unchanged = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and (len(signatures) == 1)
    if not result.intact:
        signer = "the portal's records key" if result.portal_certificate else "its signer"
        result.problems.append(
            f"The file was changed after it was signed by {signer}: the signature no longer matches its content."
        )
    if not result.portal_certificate:
        result.problems.append("The signing certificate is not the portal's records key.")
    if not result.unchanged:
        result.problems.append("The file was changed after it was signed (content was added or altered).")
    return result


def _is_portal_certificate(certificate, key: SigningKey) -> bool:
    """The certificate is the records key's own, or one of the configured trust roots issued it."""
    known = [key.certificate, *key.trust_roots]
    if any(certificate.dump() == other.dump() for other in known):
        return True
    try:
        context = ValidationContext(trust_roots=list(key.trust_roots), allow_fetching=False)
        CertificateValidator(certificate, validation_context=context).validate_usage(set())
    except (PathError, ValidationError):  # no path to a trust root, or not valid: not ours
        return False
    return True
