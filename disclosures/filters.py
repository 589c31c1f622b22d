"""Filters of the public index, shared by the page, the JSON API and the CSV export.

Every filter is a GET parameter, so any combination is a shareable URL.
"""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosures.models import DisclosureRequest, LegalBasis
from disclosures.selectors.public import public_developers, search_requests
from disclosures.selectors.requests import overdue_q
from disclosures.states import State
from portal.accounts.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Dates a filter accepts: wide enough for any request, narrow enough that a day more or a time zone
# shift never leaves the range of a datetime (0001-01-01 and 9999-12-31 would overflow).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
MAX_DAYS_OPEN = 36_500


def _date_filter(**kwargs) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        widget=DATE, validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)], **kwargs
    )


PUBLIC_STATES = [(value, label) for value, label in State.choices if value != State.DRAFT]


def _start_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class PublicRequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    developer = django_filters.ModelChoiceFilter(
        queryset=public_developers().only("slug", "name_ja", "name_en"),
        to_field_name="slug",
        label=_("AI developer"),
        empty_label=_("Any"),
    )
    model = django_filters.CharFilter(field_name="model_name", lookup_expr="icontains", label=_("Model"))
    ministry = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).only("slug", "name_ja", "name_en"),
        to_field_name="slug",
        label=_("Ministry"),
        empty_label=_("Any"),
    )
    legal_basis = django_filters.ChoiceFilter(choices=LegalBasis.choices, label=_("Legal basis"), empty_label=_("Any"))
    state = django_filters.ChoiceFilter(choices=PUBLIC_STATES, label=_("State"), empty_label=_("Any"))
    issued_from = _date_filter(method="filter_issued_from", label=_("Issued from"))
    issued_to = _date_filter(method="filter_issued_to", label=_("Issued until"))
    deadline_from = _date_filter(field_name="deadline", lookup_expr="gte", label=_("Deadline from"))
    deadline_to = _date_filter(field_name="deadline", lookup_expr="lte", label=_("Deadline until"))
    min_days_open = django_filters.NumberFilter(
        method="filter_min_days_open",
        label=_("Open at least (days)"),
        min_value=0,
        max_value=MAX_DAYS_OPEN,
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("issued_at", "issued"),
            ("deadline", "deadline"),
            ("reference", "reference"),
            # Stored copies of the English names and the days-open rank (`selectors.public`), each
            # with an index ending in the reference, so a page reads 50 index entries, not every row.
            ("index_developer", "developer"),
            ("index_ministry", "ministry"),
            ("model_name", "model"),
            ("state", "state"),
            ("index_days_open", "days_open"),
        ),
        label=_("Sort by"),
        empty_label=_("Newest first"),
    )

    class Meta:
        model = DisclosureRequest
        fields: list[str] = []

    # How many public requests the search matches, up to `search.MAX_LISTED_MATCHES + 1`: the index's
    # count when the search is its only filter (None without a search).
    search_count: int | None = None

    def filter_search(self, queryset, name, value):
        queryset, self.search_count = search_requests(queryset, value)
        return queryset

    def filter_issued_from(self, queryset, name, value):
        # A range on the column (not a __date transform), so the issued_at index serves it.
        return queryset.filter(issued_at__gte=_start_of_day(value))

    def filter_issued_to(self, queryset, name, value):
        return queryset.filter(issued_at__lt=_start_of_day(value + timedelta(days=1)))

    def filter_min_days_open(self, queryset, name, value):
        return queryset.filter(open_for__gte=timedelta(days=int(value)))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    @property
    def qs(self):
        queryset = super().qs
        # Ties (same issue time) break on the reference, so pages never repeat or skip a row; in the
        # direction of the sort, so the index on (column, reference) serves it read forwards or backwards.
        ordering = list(queryset.query.order_by)
        if ordering and not {"reference", "-reference"} & set(ordering):
            descending = str(ordering[0]).startswith("-")
            queryset = queryset.order_by(*ordering, "-reference" if descending else "reference")
        return queryset


def filter_errors(filterset: django_filters.FilterSet) -> str:
    """The errors of an invalid filter, one line per field, in the reader's language."""
    form = filterset.form
    return "\n".join(
        f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )
