"""What an uploaded file really is, and whether the portal accepts it.

The one place that judges uploads: the type comes from the file's first bytes, never from its name or
the browser's Content-Type, and the name's extension must agree with it. Office documents are opened
as the zip files they are: a workbook with hidden or very hidden sheets, a document with hidden text,
or either with macros is refused, because hidden content would slip past the confidentiality review.
A PDF with JavaScript is refused too: officials open these files, and a PDF has no business running code.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class UploadVerdict:
    accepted: bool
    kind: str = ""  # pdf, png, jpeg, gif, webp, csv, text, xlsx, docx
    content_type: str = ""
    reason: str = ""  # why it was refused, for the uploader

    def __bool__(self) -> bool:
        return self.accepted


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "csv": "text/csv",
    "text": "text/plain",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
KIND_BY_EXTENSION = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "gif": "gif",
    "webp": "webp",
    "csv": "csv",
    "txt": "text",
    "xlsx": "xlsx",
    "docx": "docx",
}
EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows PE
    b"\x7fELF",
    b"#!",  # scripts
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls/.doc, and encrypted OOXML

# Limits on what an office file may expand to, so a zip bomb is refused before it is read.
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XML_PART = 20 * 1024 * 1024

HIDDEN_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*\bstate\s*=\s*[\"'](hidden|veryHidden)[\"']")
# A PDF name token (the text after "/"): names may spell a character as #xx, so /J#53 is /JS.
PDF_NAME = re.compile(rb"/([^\s()<>\[\]{}/%]*)")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_SCRIPT_NAMES = {b"JS", b"JavaScript"}
# Dictionaries hidden in compressed object streams are inflated, within this bound (a bomb is refused).
PDF_STREAM = re.compile(rb"stream\r?\n")
MAX_PDF_INFLATED = 200 * 1024 * 1024
PDF_CHUNK = 64 * 1024

# <w:vanish/> hides text, unless it says w:val="0"/"false".
HIDDEN_TEXT = re.compile(rb"<(?:\w+:)?vanish\b(?![^>]*\bval\s*=\s*[\"'](?:0|false|off)[\"'])[^>]*>")


def _refuse(reason: str, kind: str = "") -> UploadVerdict:
    return UploadVerdict(accepted=False, kind=kind, reason=reason)


def sniff(data: bytes) -> str:
    """The kind of file the bytes are, from their signature: a key of CONTENT_TYPES, "executable" or ""."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(EXECUTABLE_SIGNATURES):
        return "executable"
    if data.startswith(OLE_SIGNATURE):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if _is_text(data):
        return "text"
    return ""


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp932"):  # Japanese spreadsheets often save CSV as Shift_JIS
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def inspect_upload(name: str, data: bytes) -> UploadVerdict:
    """Judge one uploaded file by its name and content; accept it only if both agree on an allowed type."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = KIND_BY_EXTENSION.get(extension)
    if expected is None:
        return _refuse(_("Files of this type are not accepted. Upload PDF, CSV, text, images, xlsx or docx."))
    if not data:
        return _refuse(_("The file is empty."))
    if len(data) > settings.ATTACHMENT_MAX_BYTES:
        return _refuse(
            _("The file is larger than %(size)d MB.") % {"size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    actual = sniff(data)
    if actual == "executable":
        return _refuse(_("Programs and scripts are not accepted."))
    if actual == "ole":
        return _refuse(_("Old-format or password-protected Office files are not accepted; save as xlsx or docx."))
    if actual == "zip":
        return _inspect_office(expected, data)
    if actual == "text" and expected in ("csv", "text"):
        actual = expected
    if actual != expected:
        return _refuse(_("The file's content does not match its name (.%(extension)s).") % {"extension": extension})
    if actual == "pdf":
        try:
            scripted = _pdf_has_javascript(data)
        except ValueError:
            return _refuse(_("The file expands to more than the portal accepts."), kind="pdf")
        if scripted:
            return _refuse(
                _(
                    "PDF files with JavaScript are not accepted. Save or print the document as a new PDF "
                    "without scripts, then upload it again."
                ),
                kind="pdf",
            )
    return UploadVerdict(accepted=True, kind=actual, content_type=CONTENT_TYPES[actual])


def _has_script_name(data: bytes) -> bool:
    for match in PDF_NAME.finditer(data):
        name = match.group(1)
        if b"#" in name:
            name = PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        if name in PDF_SCRIPT_NAMES:
            return True
    return False


def _pdf_has_javascript(data: bytes) -> bool:
    """Whether any dictionary names JavaScript (/JS, /S /JavaScript, the /JavaScript name tree).

    Read from the bytes, not through a parser, so a damaged cross-reference table hides nothing; the
    Flate-compressed streams (object streams among them, where dictionaries can hide) are inflated and
    read the same way. ValueError when they inflate to more than MAX_PDF_INFLATED.
    """
    if _has_script_name(data):
        return True
    view, budget = memoryview(data), MAX_PDF_INFLATED
    for match in PDF_STREAM.finditer(data):
        inflater, position, parts = zlib.decompressobj(), match.end(), []
        # Fed in chunks until zlib reaches the stream's end: no /Length or "endstream" is trusted, and
        # what is read and inflated counts against one budget, so no file makes this slow or large.
        while not inflater.eof and position < len(data):
            chunk = view[position : position + PDF_CHUNK]
            try:
                parts.append(inflater.decompress(chunk, budget + 1))
            except zlib.error:
                break  # not Flate (an image, a font in another filter) or damaged: nothing to read in it
            if inflater.unconsumed_tail:
                raise ValueError("inflates too far")
            budget -= len(chunk) - len(inflater.unused_data) + len(parts[-1])
            if budget < 0:
                raise ValueError("inflates too far")
            position += len(chunk)
        if parts and _has_script_name(b"".join(parts)):
            return True
    return False


def _inspect_office(expected: str, data: bytes) -> UploadVerdict:
    mismatch = _("The file's content does not match its name (.%(extension)s).") % {"extension": expected}
    if expected not in ("xlsx", "docx"):
        return _refuse(mismatch)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return _refuse(_("The file is damaged and cannot be opened."))
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED:
        return _refuse(_("The file expands to more than the portal accepts."))
    names = {m.filename for m in members}
    kind = "xlsx" if "xl/workbook.xml" in names else "docx" if "word/document.xml" in names else ""
    if "[Content_Types].xml" not in names or kind != expected:
        return _refuse(mismatch)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return _refuse(_("Files with macros are not accepted."))
    try:
        if kind == "xlsx":
            workbook = _read_part(archive, "xl/workbook.xml")
            if HIDDEN_SHEET.search(workbook):
                return _refuse(
                    _("The workbook has hidden sheets. Unhide or delete them, then upload it again."), kind="xlsx"
                )
        else:
            parts = [n for n in names if n.startswith("word/") and n.endswith(".xml")]
            if any(HIDDEN_TEXT.search(_read_part(archive, part)) for part in parts):
                return _refuse(_("The document has hidden text. Show or delete it, then upload it again."), kind="docx")
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return _refuse(_("The file is damaged and cannot be opened."))
    return UploadVerdict(accepted=True, kind=kind, content_type=CONTENT_TYPES[kind])


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        content = part.read(MAX_XML_PART + 1)
    if len(content) > MAX_XML_PART:
        raise ValueError(name)
    return content
