"""Sources and output filters to and from a spreadsheet (CSV or XLSX), through the one definition of an answer.

A sheet holds one row list of the answer (`SHEET_SECTIONS`): a header row, then one line per row. Its
columns are the row's fields as the answer definition gives them (`row_fields`), headed by their label in
Japanese or English (either is read back, and so is the field's own name), with the stable `row_id`
first and the confidentiality choice last. An import replaces the section's rows in the draft only when
the whole file is valid; otherwise every bad cell is reported by its line and column, and nothing is
saved. Cells that a spreadsheet would run as a formula are written with a leading apostrophe and read
back without it, so an export re-imports to the same answer.

The two functions under "The answer definition" are the only readers of the answer's definition here.
"""

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from disclosures import answer as definition
from disclosures.models import DisclosureRequest, ResponseDraft, Section
from disclosures.services import responses as services
from disclosures.uploads import inspect_upload
from disclosures.views.public.exports import csv_cell
from portal.accounts.models import User

SHEET_SECTIONS = (Section.SOURCES.value, Section.OUTPUT_FILTERS.value)
FORMATS = ("xlsx", "csv")
# Far beyond any answer seen, and bounded so one upload cannot hold a worker for minutes.
MAX_ROWS = 10_000
LANGUAGES = ("ja", "en")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Several values in one cell (a multiple choice): one per line in what we write; ";" and "；" also read.
_MULTI_SPLIT = re.compile(r"[\n;；]")
_SLASH_DATE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
CONFIDENTIALITY = ("tier", "reason")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


# ---------------------------------------------------------------------------------------------------
# The answer definition: the only two readers of it here.


def row_fields(section: str) -> list[definition.RowField]:
    """The columns of a row list: the row id first, then its fields, and the confidentiality choice last."""
    columns = definition.row_fields(section)
    last = [column for column in columns if column.name in CONFIDENTIALITY]
    return [column for column in columns if column.name not in CONFIDENTIALITY] + last


def validate_document(
    request: DisclosureRequest, document: dict, *, strict: bool = False
) -> tuple[dict, list[definition.Problem]]:
    """The cleaned document and every problem, each with the JSON pointer (`path`) of what it concerns.

    The pointers index the rows of `document` as given ("/sources/12/licence_grantor" is its 13th row).
    """
    if strict:
        return definition.validate_submission(request, document)
    return definition.validate_draft(request, document)


# ---------------------------------------------------------------------------------------------------


def part_key(path: str) -> str:
    """The workspace section a problem's pointer belongs to ("/questions/2/answer" -> "q2")."""
    parts = path.strip("/").split("/")
    if parts[0] == "questions" and len(parts) > 1:
        return f"q{parts[1]}"
    return parts[0]


def header(column: definition.RowField, language: str) -> str:
    with translation.override(language):
        return str(column.label)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return text.rstrip("*").strip()


def _header_map(section: str) -> dict[str, str]:
    names = {}
    for column in row_fields(section):
        names[_normal(column.name)] = column.name
        for language in LANGUAGES:
            names[_normal(header(column, language))] = column.name
    return names


def _choice_map(column: definition.RowField) -> dict[str, str]:
    """A choice's code from its code or its label in either language ("—" is no choice)."""
    codes = {"—": "", "-": ""}
    for code, label in column.choices:
        codes[_normal(code)] = code
        for language in LANGUAGES:
            with translation.override(language):
                codes[_normal(str(label))] = code
    return codes


def _choice_label(column: definition.RowField, code: str) -> str:
    labels = dict(column.choices)
    return str(labels.get(code, code))


# Writing ---------------------------------------------------------------------------------------------


def _cell(column: definition.RowField, value, *, typed: bool):
    """A row's value as the sheet shows it: labels for choices, one line per item for lists."""
    if value is None or value == "" or value == []:
        return ""
    if column.kind in ("choice", "multi"):
        items = value if isinstance(value, list) else [value]
        return "\n".join(_choice_label(column, str(item)) for item in items)
    if isinstance(value, list):
        return csv_cell("\n".join(str(item) for item in value))
    if column.kind == "date" and typed and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if column.kind in ("number", "integer"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return value if typed else str(value)
    return csv_cell(str(value))


def sheet_rows(section: str, rows: Iterable[dict], *, typed: bool = False) -> Iterator[list]:
    """The header (in the active language) and one line per row; `typed` keeps dates and numbers as such."""
    columns = row_fields(section)
    language = translation.get_language() or "ja"
    yield [header(column, language) for column in columns]
    for row in rows:
        if isinstance(row, dict):
            yield [_cell(column, row.get(column.name), typed=typed) for column in columns]


def write_csv(section: str, rows: Iterable[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in sheet_rows(section, rows):
        writer.writerow(line)
    # With a byte-order mark spreadsheet programs read the Japanese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(section: str, rows: Iterable[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = section[:31]
    columns = row_fields(section)
    for line in sheet_rows(section, rows, typed=True):
        sheet.append(line)
    for cell, column in zip(sheet[1], columns, strict=True):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 14 if column.name == definition.ROW_ID else 24
        if column.kind == "date":
            for (data_cell,) in sheet.iter_rows(min_row=2, min_col=cell.column, max_col=cell.column):
                data_cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_sheet(section: str, rows: Iterable[dict], file_format: str) -> bytes:
    return write_xlsx(section, rows) if file_format == "xlsx" else write_csv(section, rows)


# Reading ---------------------------------------------------------------------------------------------


def max_bytes() -> int:
    """The largest sheet read: the limit of any file given to an answer."""
    return settings.ATTACHMENT_MAX_BYTES


def too_large_message() -> str:
    return _("The file is larger than %(size)d MB.") % {"size": max_bytes() // (1024 * 1024)}


@dataclass(frozen=True)
class SheetProblem:
    """One bad cell (or line, or the file as a whole), said in the reader's language."""

    message: str
    line: int | None = None
    column: str = ""

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return _("Row %(line)s, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line is not None:
            return _("Row %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


class SheetInvalid(ValidationError):
    """The file cannot be imported; `problems` lists every bad row and column."""

    def __init__(self, problems: list[SheetProblem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems])


@dataclass
class ParsedSheet:
    rows: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the sheet's line number of each row
    headers: dict[str, str] = field(default_factory=dict)  # field name -> header as written in the file


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the apostrophe our export puts before what a spreadsheet would run as a formula.
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        text = text[1:]
    return text


def _lines_of_csv(data: bytes) -> Iterator[list]:
    for encoding in ("utf-8-sig", "cp932"):  # Japanese spreadsheets often save CSV as Shift_JIS
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return csv.reader(io.StringIO(text, newline=""))
    raise SheetInvalid([SheetProblem(_("The file is not readable text (UTF-8 or Shift_JIS)."))])


def _lines_of_xlsx(data: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as error:
        raise SheetInvalid([SheetProblem(_("The file is damaged and cannot be opened."))]) from error
    return workbook.worksheets[0].iter_rows(values_only=True)


def read_sheet(section: str, name: str, data: bytes) -> ParsedSheet:
    """The rows of an uploaded sheet as answer rows (codes for choices), or SheetInvalid saying why not."""
    verdict = inspect_upload(name, data)
    if not verdict.accepted:
        raise SheetInvalid([SheetProblem(verdict.reason)])
    if verdict.kind not in FORMATS:
        raise SheetInvalid([SheetProblem(_("Upload a spreadsheet: an .xlsx or .csv file."))])
    lines = _lines_of_xlsx(data) if verdict.kind == "xlsx" else _lines_of_csv(data)
    columns = {column.name: column for column in row_fields(section)}
    known = _header_map(section)
    parsed = ParsedSheet()
    positions: list[str | None] = []
    problems: list[SheetProblem] = []
    choice_maps: dict[str, dict[str, str]] = {}
    for number, values in enumerate(lines, start=1):
        cells = [_text(value) for value in values]
        if not any(cells):
            continue
        if not positions:
            for text in cells:
                name_of = known.get(_normal(text)) if text else None
                if text and name_of is None:
                    problems.append(SheetProblem(_("This column is not part of the answer."), number, text))
                elif name_of in parsed.headers:
                    problems.append(SheetProblem(_("This column appears twice."), number, text))
                    name_of = None
                elif name_of:
                    parsed.headers[name_of] = text
                positions.append(name_of)
            if problems:
                raise SheetInvalid(problems)
            continue
        if len(parsed.rows) >= MAX_ROWS:
            raise SheetInvalid([SheetProblem(_("The file has more than %(n)s rows.") % {"n": f"{MAX_ROWS:,}"})])
        row: dict = {}
        for index, text in enumerate(cells):
            name_of = positions[index] if index < len(positions) else None
            if name_of is None:
                if text:
                    problems.append(SheetProblem(_("This cell has no column heading."), number, f"#{index + 1}"))
                continue
            row[name_of] = _value(columns[name_of], text, choice_maps)
        parsed.rows.append(row)
        parsed.lines.append(number)
    if not positions:
        raise SheetInvalid([SheetProblem(_("The file is empty: it has no heading row."))])
    if not parsed.rows:
        # An import replaces the list: a template sent back unfilled must not empty it.
        raise SheetInvalid([SheetProblem(_("The file has headings but no rows; nothing was imported."))])
    if problems:
        raise SheetInvalid(problems)
    return parsed


def _value(column: definition.RowField, text: str, choice_maps: dict[str, dict[str, str]]):
    if column.kind in ("choice", "multi"):
        codes = choice_maps.get(column.name)
        if codes is None:
            codes = choice_maps[column.name] = _choice_map(column)
        if column.kind == "multi":
            items = [item.strip() for item in _MULTI_SPLIT.split(text) if item.strip()]
            return [codes.get(_normal(item), item) for item in items]
        return codes.get(_normal(text), text)
    if column.kind == "date":
        match = _SLASH_DATE.match(text)
        if match:
            year, month, day = match.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
    return text


def _problems_of(section: str, sheet: ParsedSheet, problems: list[definition.Problem]) -> list[SheetProblem]:
    """Each validation problem at the line and column of the sheet it came from."""
    found = []
    for problem in problems:
        parts = problem.path.strip("/").split("/")
        if parts[0] != section or len(parts) < 2 or not parts[1].isdigit():
            found.append(SheetProblem(f"{problem.label}: {problem.message}"))
            continue
        index = int(parts[1])
        line = sheet.lines[index] if index < len(sheet.lines) else None
        column = sheet.headers.get(parts[2], problem.label) if len(parts) > 2 else ""
        found.append(SheetProblem(problem.message, line, column))
    return sorted(found, key=lambda p: (p.line is None, p.line or 0))


def sheet_document(request: DisclosureRequest, section: str, sheet: ParsedSheet) -> dict:
    """The draft document with this section's rows replaced by the sheet's (not yet validated)."""
    answers = services.draft_for(request).answers
    current = answers.get(section) if isinstance(answers.get(section), list) else []
    # Rows without an id take the id of the draft's row at the same position (docs/decisions.md: row ids).
    return {**answers, section: services.keep_row_ids(sheet.rows, current)}


def import_sheet(
    *, request: DisclosureRequest, by: User, section: str, name: str, data: bytes, revision: int
) -> ResponseDraft:
    """Replace the draft's rows of `section` with a spreadsheet's, all or nothing.

    Raises SheetInvalid (nothing saved) listing every bad row and column, PermissionDenied for a user who
    may not edit the answers, or services.DraftConflict when someone saved in between.
    """
    if not services.may_edit_answers(by, request):
        raise PermissionDenied(_("You may not edit the answers of this request."))
    if section not in SHEET_SECTIONS or section not in request.sections:
        raise SheetInvalid([SheetProblem(_("This request does not ask for this list."))])
    sheet = read_sheet(section, name, data)
    try:
        # save_draft validates the whole document once and keeps nothing when any value fails.
        return services.save_draft(
            request=request, by=by, answers=sheet_document(request, section, sheet), revision=revision
        )
    except services.InvalidAnswer as invalid:
        raise SheetInvalid(_problems_of(section, sheet, invalid.problems)) from invalid
