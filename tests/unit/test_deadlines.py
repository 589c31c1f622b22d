from datetime import date

import pytest

from disclosures.deadlines import add_working_days, is_working_day


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Golden Week 2026: 29 April (Showa Day), 3-5 May and the substitute holiday on 6 May.
        (date(2026, 4, 28), 1, date(2026, 4, 30)),
        (date(2026, 4, 28), 2, date(2026, 5, 1)),
        (date(2026, 4, 28), 3, date(2026, 5, 7)),
        # New Year: government offices close 29 December to 3 January; 2027-01-04 is a Monday.
        (date(2026, 12, 25), 1, date(2026, 12, 28)),
        (date(2026, 12, 25), 2, date(2027, 1, 4)),
        (date(2026, 12, 25), 3, date(2027, 1, 5)),
        # Coming of Age Day 2027 is Monday 11 January.
        (date(2027, 1, 8), 1, date(2027, 1, 12)),
        # A plain week: Friday plus one working day is Monday.
        (date(2026, 6, 5), 1, date(2026, 6, 8)),
        (date(2026, 6, 5), 0, date(2026, 6, 5)),
    ],
)
def test_working_days_skip_weekends_public_holidays_and_the_year_end_closure(start, days, expected):
    assert add_working_days(start, days) == expected


def test_holidays_and_closure_days_are_not_working_days():
    assert not is_working_day(date(2026, 5, 6))  # substitute holiday
    assert not is_working_day(date(2026, 12, 29))  # year-end closure, a Tuesday
    assert not is_working_day(date(2027, 1, 2))
    assert is_working_day(date(2026, 12, 28))


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 6, 5), -1)
