"""Server-rendered SVG bar charts: geometry computed here, drawn by templates/public/includes/bar_chart.html."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 40, 40, 10


@dataclass
class Segment:
    y: float
    height: float
    css: str
    label: str
    value: int


@dataclass
class Bar:
    label: str
    x: float
    width: float
    total: int
    segments: list[Segment] = field(default_factory=list)

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2


@dataclass
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    maximum: int
    legend: list[tuple[str, str]]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT


def bar_chart(chart_id: str, title: str, description: str, groups: list[tuple[str, list[tuple[str, str, int]]]]):
    """`groups` is [(bar label, [(series key, series label, value), ...])]; series stack in each bar."""
    maximum = max([sum(v for _k, _l, v in series) for _label, series in groups] or [0]) or 1
    plot_height = HEIGHT - BOTTOM - TOP
    slot = min((WIDTH - LEFT - 10) / max(len(groups), 1), 120)
    bars, legend = [], {}
    for index, (label, series) in enumerate(groups):
        bar = Bar(label=label, x=LEFT + index * slot + slot * 0.15, width=slot * 0.7, total=sum(v for *_x, v in series))
        y = HEIGHT - BOTTOM
        for key, series_label, value in series:
            legend[key] = series_label
            if not value:
                continue
            height = plot_height * value / maximum
            y -= height
            bar.segments.append(
                Segment(y=round(y, 1), height=round(height, 1), css=f"series-{key}", label=series_label, value=value)
            )
        bars.append(bar)
    return BarChart(chart_id, title, description, bars, maximum, list(legend.items()))


def month_rows(stats) -> list[tuple[str, list[int], int]]:
    """The per-month chart as table rows: month, a count per state (zeros included), total."""
    rows = []
    for month in stats.months:
        counts = [stats.per_month[month].get(state, 0) for state, _label in stats.states]
        rows.append((month, counts, sum(counts)))
    return rows


def statistics_charts(stats) -> dict[str, BarChart]:
    months = stats.months[-24:]
    return {
        "per_month": bar_chart(
            "chart-per-month",
            _("Requests issued per month, by current state"),
            _("Stacked bars: one per month of issue, split by the state each request is in today."),
            [(m, [(s, label, stats.per_month[m].get(s, 0)) for s, label in stats.states]) for m in months],
        ),
        "answer_times": bar_chart(
            "chart-answer-times",
            _("Days from issue to first answer"),
            _("Number of answered requests by the days they took to answer."),
            [(label, [("answered", _("Answered"), n)]) for label, n in stats.answer_buckets],
        ),
        "declines": bar_chart(
            "chart-declines",
            _("Declines per month"),
            _("Number of requests declined with reasons, by month of the decline."),
            [(m, [("declined", _("Declined"), n)]) for m, n in list(stats.declines_per_month.items())[-24:]],
        ),
        "overdue": bar_chart(
            "chart-overdue",
            _("Overdue requests by ministry"),
            _("Requests past their deadline and still awaiting the developer, by issuing ministry."),
            [(name, [("overdue", _("Overdue"), n)]) for name, n in stats.overdue_by_ministry[:12]],
        ),
    }
