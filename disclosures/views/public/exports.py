"""CSV exports, streamed: rows are read with `.iterator()` and written a batch at a time, so memory stays flat.

Every cell goes through `csv_cell`, so no text from an answer is ever read as a formula by a spreadsheet.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import batched, chain

from django.db import transaction
from django.db.models import Func, TextField, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from disclosures.filters import PublicRequestFilter, filter_errors
from disclosures.selectors import public as selectors
from portal.throttling import throttled

# What spreadsheet programs read as the start of a formula (OWASP: CSV injection); Japanese spreadsheet
# programs also take the full-width signs for formulas.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

REQUEST_COLUMNS = [
    "reference",
    "url",
    "developer",
    "developer_slug",
    "model",
    "model_version",
    "ministry",
    "legal_basis",
    "issued",
    "deadline",
    "state",
    "days_open",
    "overdue",
    "days_overdue",
    "published",
]
SOURCE_COLUMNS = [
    "name",
    "kind",
    "modality",
    "top_domains",
    "rights_holders",
    "consent_basis",
    "licence_grantor",
    "developer",
    "model",
    "reference",
    "version",
    "url",
]


def csv_cell(value):
    """A cell as written: text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Rows are sent in batches: one chunk per row would cost a write (and, under WSGI, a syscall) per row.
ROWS_PER_CHUNK = 5000
_SEPARATOR = "\x1f"
# Whether some cell of a batch, its cells joined by _SEPARATOR, begins like a formula: one search per batch
# instead of a test per cell (the sources export writes eight million cells); the rows of a batch it finds
# go through `csv_cell`. A separator inside a cell can only add rows to those checked, never leave one out.
_FORMULA_CELL = re.compile(f"{_SEPARATOR}[{re.escape(''.join(_FORMULA_START))}]")


def _may_hold_formula(cells: Iterable) -> bool:
    # A separator before the first cell too: a pattern that starts with a literal is searched 17 times
    # faster than one that also tries the start of the text at every position.
    return _FORMULA_CELL.search(_SEPARATOR + _SEPARATOR.join(map(str, cells))) is not None


def _stream(header: list[str], rows: Iterable[Sequence]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def written() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([csv_cell(cell) for cell in header])
    yield "\ufeff" + written()  # the BOM, so spreadsheet programs read the Japanese text as UTF-8
    # In a transaction the rows' server-side cursor streams; outside one Django declares it WITH HOLD,
    # and PostgreSQL first copies the whole result (a million rows) before sending the first.
    with transaction.atomic():
        for batch in batched(rows, ROWS_PER_CHUNK):
            if _may_hold_formula(chain.from_iterable(batch)):
                batch = [[csv_cell(c) for c in row] if _may_hold_formula(row) else row for row in batch]
            writer.writerows(batch)
            yield written()


def _csv_response(filename: str, lines: Iterator[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def request_rows(queryset) -> Iterator[list]:
    detail_url = reverse("public:request_detail", args=["REFERENCE"])  # resolved once, not once per row
    for r in queryset.iterator(chunk_size=2000):
        yield [
            r.reference,
            detail_url.replace("REFERENCE", r.reference),
            r.developer.name_en,
            r.developer.slug,
            r.model_name,
            r.model_version,
            r.ministry.name_en,
            r.legal_basis,
            timezone.localtime(r.issued_at).date().isoformat(),
            r.deadline.isoformat() if r.deadline else "",
            r.state,
            selectors.days(r.open_for),
            "yes" if r.overdue else "no",
            r.days_overdue,
            "yes" if r.published_at else "no",
        ]


class JoinedList(Func):
    """A JSON list as one cell, "a; b", joined by the database: decoding two JSON values a row in Python
    took half the time of the sources export."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection):
        value, params = compiler.compile(self.source_expressions[0])
        return (
            f"CASE WHEN jsonb_typeof({value}) = 'array' "
            f"THEN array_to_string(ARRAY(SELECT jsonb_array_elements_text({value})), '; ') ELSE '' END",
            (*params, *params),
        )

    def as_sqlite(self, compiler, connection):
        value, params = compiler.compile(self.source_expressions[0])
        # `value` is the compiled column, not input.
        return f"coalesce((SELECT group_concat(value, '; ') FROM json_each({value})), '')", params  # noqa: S608


def source_rows(queryset) -> Iterator[tuple]:
    """Rows of the sources CSV (SOURCE_COLUMNS), as text tuples the database composes, lists joined and
    the link built: no model instances and no work a row in Python, so a million rows stream at speed."""
    prefix, suffix = reverse("public:request_detail", args=["REFERENCE"]).split("REFERENCE")
    number = Cast("version__number", TextField())
    return queryset.values_list(
        "name",
        "kind",
        "modality",
        JoinedList("top_domains"),
        JoinedList("rights_holders"),
        "consent_basis",
        "licence_grantor",
        "version__request__developer__name_en",
        "version__request__model_name",
        "version__request__reference",
        number,
        Concat(Value(prefix), "version__request__reference", Value(f"{suffix}#v"), number, output_field=TextField()),
    ).iterator(chunk_size=ROWS_PER_CHUNK)


@throttled("export")
def requests_csv(request):
    """Every issued request (or those matching the index's filters) as CSV."""
    filterset = PublicRequestFilter(request.GET or None, queryset=selectors.public())
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponse(filter_errors(filterset), status=400, content_type="text/plain; charset=utf-8")
    rows = filterset.qs if filterset.is_bound else selectors.public()
    return _csv_response("requests.csv", _stream(REQUEST_COLUMNS, request_rows(rows)))


@throttled("export")
def sources_csv(request):
    rows = selectors.search_sources(request.GET.get("q", ""))
    return _csv_response("declared-sources.csv", _stream(SOURCE_COLUMNS, source_rows(rows)))
