"""Checking a PDF someone hands us: is the signature valid, by whom, was the file changed after signing, and
which PAdES baseline level it reaches (B-B, B-T, B-LT, B-LTA)."""

import asyncio
import hashlib
import logging
import re
from dataclasses import dataclass, field
from io import BytesIO

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

from disclosures.records.signing import SigningKey, signing_key, validation_context

# Where a revision of a PDF ends: its %%EOF marker and the end-of-line after it.
REVISION_END = re.compile(rb"%%EOF(\r\n|\r|\n)?")
# A record has a few revisions per renewal (validation data, timestamp); decades of yearly renewals fit.
MAX_REVISIONS = 200

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
    # PAdES baseline level found: "B-B", "B-T" (signature timestamp), "B-LT" (validation data in the
    # document security store) or "B-LTA" (and document timestamps over it, each one intact); "" if unsigned.
    pades_level: str = ""
    document_timestamps: int = 0
    # The SHA-256 of the file as it ended after each revision, newest first (the whole file's first): a record
    # whose archive timestamp was renewed is logged under the hash of an earlier revision.
    revision_sha256s: list[str] = field(default_factory=list)
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
    result.revision_sha256s = revision_hashes(data)
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
    stamps_intact = _check_document_timestamps(result, signatures, key)
    later_only_archival = (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
        and all(s.sig_object_type == "/DocTimeStamp" for s in signatures[1:])
        and stamps_intact
    )
    # Validation data and document timestamps appended later (PAdES B-LTA) are not changes to the record.
    result.unchanged = (status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1) or bool(
        later_only_archival
    )
    result.pades_level = _pades_level(result, reader, stamps_intact)
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


def _check_document_timestamps(result: Verification, signatures, key: SigningKey) -> bool:
    """Whether every document timestamp after the signature is intact (its hash matches what it covers)."""
    stamps = [s for s in signatures[1:] if s.sig_object_type == "/DocTimeStamp"]
    result.document_timestamps = len(stamps)
    context = validation_context(key, fetching=False)
    for stamp in stamps:
        try:
            status = validate_pdf_timestamp(stamp, validation_context=context)
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:  # a corrupted token
            logger.info("Document timestamp validation failed: %r", error)
            result.problems.append(f"A document timestamp could not be validated ({type(error).__name__}).")
            return False
        if not (status.intact and status.valid):
            result.problems.append("A document timestamp does not match the content it covers.")
            return False
    return True


def _pades_level(result: Verification, reader, stamps_intact: bool) -> str:
    if not result.timestamped:
        return "B-B"
    if "/DSS" not in reader.root:
        return "B-T"
    if result.document_timestamps and stamps_intact:
        return "B-LTA"
    return "B-LT"


def revision_hashes(data: bytes) -> list[str]:
    """SHA-256 of the whole file, then of the file as it ended after each earlier revision, newest first.

    One pass over the file (a running hash copied at each %%EOF); at most MAX_REVISIONS earlier revisions,
    so an upload made of %%EOF markers costs no more than any other.
    """
    running, position, prefixes = hashlib.sha256(), 0, []
    for match in REVISION_END.finditer(data):
        if match.end() >= len(data):
            break
        running.update(data[position : match.end()])
        position = match.end()
        prefixes.append(running.copy().hexdigest())
    return [hashlib.sha256(data).hexdigest(), *reversed(prefixes[-MAX_REVISIONS:])]


def logged_sha256(result: Verification) -> str:
    """The hash under which the log holds this file: its own, or an earlier revision's (a renewed B-LTA record)."""
    from disclosures.models import LogEntry

    found = set(
        LogEntry.objects.filter(record_sha256__in=result.revision_sha256s).values_list("record_sha256", flat=True)
    )
    return next((sha for sha in result.revision_sha256s if sha in found), result.sha256)


def _is_portal_certificate(certificate, key: SigningKey) -> bool:
    """The certificate is the records key's own, or one of the configured trust roots issued it."""
    known = [key.certificate, *key.trust_roots]
    if any(certificate.dump() == other.dump() for other in known):
        return True
    try:
        context = ValidationContext(trust_roots=list(key.trust_roots), allow_fetching=False)
        # pyhanko-certvalidator 0.33 only has the asynchronous API; the page is synchronous.
        asyncio.run(CertificateValidator(certificate, validation_context=context).async_validate_usage(set()))
    except (PathError, ValidationError):  # no path to a trust root, or not valid: not ours
        return False
    return True
