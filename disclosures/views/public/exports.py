"""CSV exports, streamed: rows are read with `.iterator()` and written one at a time, so memory stays flat.

Every cell goes through `csv_cell`, so no text from an answer is ever read as a formula by a spreadsheet.
"""

import csv
from collections.abc import Iterable, Iterator

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


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_cell(value):
    """A cell as written: text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Rows are sent in batches: one chunk per row would cost a write (and, under WSGI, a syscall) per row.
ROWS_PER_CHUNK = 1000


def _stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the Japanese text as UTF-8
    yield writer.writerow([csv_cell(cell) for cell in header])
    batch: list[str] = []
    for row in rows:
        # csv_cell inlined: this loop runs a million times for the sources export.
        batch.append(
            writer.writerow(["'" + c if c.__class__ is str and c.startswith(_FORMULA_START) else c for c in row])
        )
        if len(batch) >= ROWS_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


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


SOURCE_VALUES = (
    "name",
    "kind",
    "modality",
    "top_domains",
    "rights_holders",
    "consent_basis",
    "licence_grantor",
    "version__request__developer__name_en",
    "version__request__model_name",
    "version__request__reference",
    "version__number",
)


def source_rows(queryset) -> Iterator[list]:
    """Rows of the sources CSV, read as tuples (no model instances: a million rows stream at speed)."""
    detail_url = reverse("public:request_detail", args=["REFERENCE"])  # resolved once, not once per row
    for row in queryset.values_list(*SOURCE_VALUES).iterator(chunk_size=5000):
        *cells, reference, number = row
        cells[3] = "; ".join(map(str, cells[3] or []))
        cells[4] = "; ".join(map(str, cells[4] or []))
        yield [*cells, reference, number, f"{detail_url.replace('REFERENCE', reference)}#v{number}"]


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
