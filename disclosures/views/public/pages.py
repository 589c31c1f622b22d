"""The public transparency site: no sign-in, every row from `selectors.public`."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from concerns.selectors import public_concern_counts, public_concerns_for
from disclosures.filters import PublicRequestFilter
from disclosures.search import MAX_LISTED_MATCHES, capped_count
from disclosures.selectors import public as selectors
from disclosures.selectors.withheld import withheld_by_version
from disclosures.views.public import charts
from disclosures.views.public.answers import answer_changes, render_answers
from disclosures.views.public.cache import render_public
from portal.throttling import throttled

PAGE_SIZE = 50
# Counting every match of a common word ("講談社" is in one source of five) costs seconds at a million
# sources; counting up to this many costs what one page costs. The CSV and the API list them all.
MAX_COUNTED_SOURCES = 1000


class CappedPaginator(Paginator):
    """Pages over at most `MAX_COUNTED_SOURCES` rows; `capped` says there are more."""

    @cached_property
    def count(self) -> int:
        counted = capped_count(self.object_list, MAX_COUNTED_SOURCES + 1)
        self.capped = counted > MAX_COUNTED_SOURCES
        return min(counted, MAX_COUNTED_SOURCES)


# A search for a frequent word ("training", in most letters) matches most requests; counting them all
# costs what reading them all costs, counting up to this many what one page costs. As many as the search
# lists before it reads the page, so a search alone is counted by the time its page is read.
MAX_COUNTED_REQUESTS = MAX_LISTED_MATCHES
# Filters whose count the summary rows hold (`selectors.public.public_count`).
TALLIED_FILTERS = {"developer", "state"}


class IndexPaginator(Paginator):
    """Numbered pages of the index whose rows are read by a deferred join (`selectors.public.index_page`),
    so page 200 costs about what page 1 costs; links and page numbers are Django's.

    `count`: the number of rows when the caller knows it (from the summary rows, or the search's own
    count); with `cap`, at most `MAX_COUNTED_REQUESTS` are shown as counted and `capped` says there are more.
    """

    def __init__(self, object_list, per_page, *, count: int | None = None, cap: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count, self.cap, self.capped = count, cap, False

    @cached_property
    def count(self) -> int:
        if not self.cap:
            return self.object_list.count() if self.known_count is None else self.known_count
        counted = self.known_count
        if counted is None:
            counted = capped_count(self.object_list, MAX_COUNTED_REQUESTS + 1)
        self.capped = counted > MAX_COUNTED_REQUESTS
        return min(counted, MAX_COUNTED_REQUESTS)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(selectors.index_page(self.object_list, bottom, top), number, self)


INDEX_PARAMETERS = (*PublicRequestFilter.base_filters, "page")


def _index_paginator(filterset: PublicRequestFilter, rows) -> IndexPaginator:
    """The index's pages, counted from the summary rows when only tallied filters are set, by the search
    itself when it is the only filter, and up to `MAX_COUNTED_REQUESTS` for a search with other filters."""
    used = {n for n, v in filterset.form.cleaned_data.items() if v not in (None, "")} if filterset.is_bound else set()
    used.discard("sort")
    if used <= TALLIED_FILTERS:
        data = filterset.form.cleaned_data if filterset.is_bound else {}
        count = selectors.public_count(developer=data.get("developer"), state=data.get("state") or None)
        return IndexPaginator(rows, PAGE_SIZE, count=count)
    if used == {"q"}:
        return IndexPaginator(rows, PAGE_SIZE, count=filterset.search_count, cap=True)
    return IndexPaginator(rows, PAGE_SIZE, cap="q" in used)


@throttled("public_page")
def request_index(request):
    """Every issued request, filterable, searchable, sortable; the URL carries the whole query."""

    def build():
        filterset = PublicRequestFilter(request.GET or None, queryset=selectors.public())
        if filterset.is_bound and not filterset.is_valid():
            # The form shows what is wrong with each value; no query runs on values it refused.
            page = Paginator(selectors.public().none(), PAGE_SIZE).get_page(1)
            return {"title": _("Transparency index"), "filter": filterset, "page": page, "status": 400}
        rows = filterset.qs if filterset.is_bound else selectors.public()
        page = _index_paginator(filterset, rows).get_page(request.GET.get("page"))
        return {"title": _("Transparency index"), "filter": filterset, "page": page}

    return render_public(request, "public/index.html", build, params=INDEX_PARAMETERS)


@throttled("public_page")
def request_detail(request, reference):
    def build():
        disclosure = selectors.get_public_request(reference)
        published = disclosure.published_at is not None
        submitted = selectors.submitted_versions(disclosure) if published else []
        versions = selectors.public_versions(disclosure, submitted) if published else []
        withheld = withheld_by_version(versions, submitted)
        latest = versions[-1] if versions else None
        question_list = list(disclosure.questions.all()) if published else []
        questions = {q.position: q.text for q in question_list}
        earlier = []
        for index, (version, answers) in enumerate(versions[:-1]):
            newer_version, newer_answers = versions[index + 1]
            earlier.append(
                {
                    "version": version,
                    "html": render_answers(answers, questions),
                    "changes": answer_changes(answers, newer_answers, questions),
                    "newer": newer_version,
                    "withheld": withheld[version.number],
                }
            )
        return {
            "title": f"{disclosure.reference}: {disclosure.model_name}",
            "disclosure": disclosure,
            "published": published,
            "questions": question_list,
            "events": selectors.public_timeline(disclosure),
            "latest": latest[0] if latest else None,
            "latest_html": render_answers(latest[1], questions) if latest else "",
            "latest_withheld": withheld[latest[0].number] if latest else [],
            "earlier": list(reversed(earlier)),
            "records": selectors.public_records(disclosure),
            "days_open": selectors.days(disclosure.open_for),
            "public_concerns": public_concerns_for(disclosure),
        }

    return render_public(request, "public/request_detail.html", build)


@throttled("public_page")
def company_list(request):
    """The same figures for every company that received a request: who answered, declined or stayed silent."""

    def build():
        figures, sort = selectors.sort_companies(selectors.company_figures(), request.GET.get("sort", "name"))
        return {"title": _("Companies"), "figures": figures, "sort": sort}

    return render_public(request, "public/company_list.html", build, params=("sort",))


@throttled("public_page")
def company_detail(request, slug):
    def build():
        organisation = get_object_or_404(selectors.public_developers(), slug=slug)
        (figures,) = selectors.company_figures(organisation)
        rows = selectors.public().filter(developer=organisation)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return {"title": organisation.name, "organisation": organisation, "figures": figures, "page": page}

    return render_public(request, "public/company_detail.html", build, params=("page",))


@throttled("public_page")
def source_search(request):
    """ "Was my work used?": every publicly declared source, searched by title, domain, rights holder or company."""

    def build():
        text = request.GET.get("q", "").strip()[:200]
        rows = selectors.search_sources(text)
        page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if text else None
        return {"title": _("Was my work used?"), "q": text, "page": page}

    return render_public(request, "public/source_search.html", build, params=("q", "page"))


@throttled("public_page")
def statistics(request):
    def build():
        figures = selectors.public_statistics()
        return {
            "title": _("Statistics"),
            "stats": figures,
            "charts": charts.statistics_charts(figures),
            "month_rows": charts.month_rows(figures),
            "concern_counts": public_concern_counts(),
        }

    return render_public(request, "public/statistics.html", build)


def open_data(request):
    def build():
        return {"title": _("Open data")}

    return render_public(request, "public/open_data.html", build)


def api_docs(request):
    """A plain description of the public API (Swagger UI would need scripts from a CDN, which the CSP forbids)."""

    def build():
        return {"title": _("Public API")}

    return render_public(request, "public/api_docs.html", build)
