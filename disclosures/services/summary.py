"""Keeps the summary rows of the public figures (`models.summary`) in step with the requests.

`request_changed()` runs inside the transaction of every transition (`services.requests._transition`):
it recomputes the request's one `RequestFigures` row from the same definitions the public pages use
(`selectors.public.public()`), and moves the request from its old counters to its new ones with an
upsert per counter that changed. The row lock taken by the transition serialises changes of one
request; counters of one developer are incremented atomically by the database, so concurrent
transitions of different requests never lose a count. `rebuild_figures()` recomputes everything
from the requests in a few set-based queries (after a bulk load, or to repair).

The same call writes the request's stored index columns (`index_*` on `DisclosureRequest`: deadline set
at issue, first submission, decline, end, the English names it sorts by, the days-open rank), computed
from the audit events by `selectors.public.computed_index_values()`; `public()` reads them.
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from disclosures.models import (
    AnswerTally,
    DeclineTally,
    DisclosureRequest,
    DueTally,
    ModelTally,
    Outcome,
    RequestFigures,
    RequestTally,
)
from disclosures.states import AWAITING_DEVELOPER, State

FIGURE_VALUES = ("pk", "developer_id", "ministry_id", "model_name", "state", "issued_at", "deadline")
EVENT_VALUES = ("first_submit_at", "declined_at", "issue_deadline")
INDEX_VALUES = (*EVENT_VALUES, "ended_at", "developer_name", "ministry_name")
INDEX_COLUMNS = (
    "index_issue_deadline",
    "index_first_submit_at",
    "index_declined_at",
    "index_ended_at",
    "index_developer",
    "index_ministry",
    "index_days_open",
)


def _month(day: date) -> date:
    return day.replace(day=1)


def figures_from_row(row: dict) -> RequestFigures:
    """One request's contribution, from a row of `selectors.public.public()` values.

    A first submission counts as answered, on time when made by the deadline set at issue; otherwise
    a decline counts as declined with reasons, a withdrawal as withdrawn, and anything else awaits an
    answer. Only requests awaiting the developer carry their deadline (`due`).
    """
    issued_on = timezone.localdate(row["issued_at"])
    answer_days = None
    if row["first_submit_at"] is not None:
        answered_on = timezone.localdate(row["first_submit_at"])
        deadline = row["issue_deadline"] or row["deadline"]
        outcome = Outcome.ON_TIME if deadline is None or answered_on <= deadline else Outcome.LATE
        answer_days = max(0, (answered_on - issued_on).days)
    elif row["declined_at"] is not None:
        outcome = Outcome.DECLINED
    elif row["state"] == State.WITHDRAWN:
        outcome = Outcome.WITHDRAWN
    else:
        outcome = Outcome.AWAITING
    return RequestFigures(
        request_id=row["pk"],
        developer_id=row["developer_id"],
        ministry_id=row["ministry_id"],
        model_name=row["model_name"],
        month=_month(issued_on),
        state=row["state"],
        outcome=outcome,
        due=row["deadline"] if row["state"] in AWAITING_DEVELOPER and row["deadline"] is not None else None,
        answer_days=answer_days,
        declined_month=_month(timezone.localdate(row["declined_at"])) if row["declined_at"] is not None else None,
    )


@dataclass(frozen=True)
class Counter:
    model: type
    key: tuple[tuple[str, object], ...]


def counters(figures: RequestFigures | None) -> set[Counter]:
    """The counters one request adds one to."""
    if figures is None:
        return set()
    dev = ("developer_id", figures.developer_id)
    result = {
        Counter(RequestTally, (dev, ("month", figures.month), ("state", figures.state), ("outcome", figures.outcome))),
        Counter(ModelTally, (dev, ("model_name", figures.model_name))),
    }
    if figures.due is not None:
        key = (dev, ("ministry_id", figures.ministry_id), ("state", figures.state), ("due", figures.due))
        result.add(Counter(DueTally, key))
    if figures.answer_days is not None:
        result.add(Counter(AnswerTally, (dev, ("days", figures.answer_days))))
    if figures.declined_month is not None:
        result.add(Counter(DeclineTally, (dev, ("month", figures.declined_month))))
    return result


def _add(counter: Counter, delta: int) -> None:
    """count += delta on the counter's row, creating it at `delta`: one statement, atomic in the database."""
    meta = counter.model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = [quote(meta.get_field(name).column) for name, _value in counter.key]
    params = [meta.get_field(name).get_db_prep_value(value, connection) for name, value in counter.key]
    count = quote("count")
    # Only quoted names from the model's own metadata are formatted in; every value is a parameter.
    names = ", ".join(columns)
    values = ", ".join(["%s"] * (len(columns) + 1))
    sql = (
        f"INSERT INTO {table} ({names}, {count}) VALUES ({values}) "  # noqa: S608
        f"ON CONFLICT ({names}) DO UPDATE SET {count} = {table}.{count} + EXCLUDED.{count}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, delta])


def index_columns(row: dict | None) -> dict:
    """The stored index columns of a request, from a row of `computed_index_values()` (None: not public)."""
    from disclosures.selectors.public import days_open_rank

    if row is None:
        return dict.fromkeys(INDEX_COLUMNS) | {"index_developer": "", "index_ministry": ""}
    return {
        "index_issue_deadline": row["issue_deadline"],
        "index_first_submit_at": row["first_submit_at"],
        "index_declined_at": row["declined_at"],
        "index_ended_at": row["ended_at"],
        "index_developer": row["developer_name"] or "",
        "index_ministry": row["ministry_name"] or "",
        "index_days_open": days_open_rank(row["issued_at"], row["ended_at"]),
    }


def _current_row(request_pk: int) -> dict | None:
    from disclosures.selectors.public import computed_index_values

    return computed_index_values().filter(pk=request_pk).order_by().values(*FIGURE_VALUES, *INDEX_VALUES).first()


def request_changed(request: DisclosureRequest) -> None:
    """Bring the request's summary rows and stored index columns up to date; call inside the
    transaction that changed it."""
    with transaction.atomic():
        old = RequestFigures.objects.select_for_update().filter(request_id=request.pk).first()
        row = _current_row(request.pk)
        new = figures_from_row(row) if row is not None else None
        columns = index_columns(row)
        DisclosureRequest.objects.filter(pk=request.pk).update(**columns)
        # The caller's instance too, so a later save() of it never writes the old values back.
        for name, value in columns.items():
            setattr(request, name, value)
        before, after = counters(old), counters(new)
        for counter in sorted(before - after, key=repr):
            _add(counter, -1)
        for counter in sorted(after - before, key=repr):
            _add(counter, 1)
        if new is None:
            RequestFigures.objects.filter(request_id=request.pk).delete()
        else:
            new.save(force_insert=old is None)


def _write_batch(figures: list[RequestFigures], indexed: list[DisclosureRequest]) -> None:
    RequestFigures.objects.bulk_create(figures)
    # 1,000 rows a statement: bulk_update writes a CASE per column, which grows with the batch.
    DisclosureRequest.objects.bulk_update(indexed, INDEX_COLUMNS, batch_size=1000)


TALLIES = (
    (RequestTally, ("developer_id", "month", "state", "outcome"), {}),
    (ModelTally, ("developer_id", "model_name"), {}),
    (DueTally, ("developer_id", "ministry_id", "state", "due"), {"due__isnull": False}),
    (AnswerTally, ("developer_id", "answer_days"), {"answer_days__isnull": False}),
    (DeclineTally, ("developer_id", "declined_month"), {"declined_month__isnull": False}),
)
# Where a tally's column has another name than the figures' field it counts.
TALLY_COLUMNS = {"answer_days": "days", "declined_month": "month"}


@transaction.atomic
def rebuild_figures(*, batch_size: int = 5000) -> int:
    """Recompute every summary row, stored index column, search key of the index and stored visibility of
    a declared source from the requests; returns the number of requests counted."""
    from disclosures.selectors.public import computed_index_values
    from disclosures.services.publication import rebuild_request_search, refresh_source_visibility

    for model in (RequestFigures, RequestTally, ModelTally, DueTally, AnswerTally, DeclineTally):
        model.objects.all().delete()
    rows = computed_index_values().order_by().values(*FIGURE_VALUES, *INDEX_VALUES)
    batch: list[RequestFigures] = []
    indexed: list[DisclosureRequest] = []
    total = 0
    for row in rows.iterator(chunk_size=batch_size):
        batch.append(figures_from_row(row))
        indexed.append(DisclosureRequest(pk=row["pk"], **index_columns(row)))
        if len(batch) >= batch_size:
            _write_batch(batch, indexed)
            total += len(batch)
            batch, indexed = [], []
    _write_batch(batch, indexed)
    total += len(batch)
    for model, fields, condition in TALLIES:
        groups = RequestFigures.objects.filter(**condition).values(*fields).annotate(n=Count("pk")).order_by()
        model.objects.bulk_create(
            [model(**{TALLY_COLUMNS.get(f, f): g[f] for f in fields}, count=g["n"]) for g in groups],
            batch_size=batch_size,
        )
    rebuild_request_search()
    refresh_source_visibility()
    return total


def tallies_snapshot() -> dict[str, dict]:
    """Every counter with a non-zero count, for comparing the maintained rows with a rebuild (tests, checks)."""
    snapshot = {}
    for model, fields, _condition in TALLIES:
        columns = [TALLY_COLUMNS.get(f, f) for f in fields]
        groups = model.objects.values(*columns).annotate(n=Sum("count")).filter(n__gt=0).order_by()
        snapshot[model.__name__] = {tuple(g[c] for c in columns): g["n"] for g in groups}
    return snapshot
