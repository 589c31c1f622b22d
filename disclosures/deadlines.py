"""Deadlines are dates in Japan time, counted in working days of the Japanese government."""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=16)
def _japanese_holidays(year: int) -> holidays.HolidayBase:
    return holidays.Japan(years=year)


def _is_year_end_closure(day: date) -> bool:
    # Government offices close from 29 December to 3 January (Act on Holidays of Administrative Organs).
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _japanese_holidays(day.year) and not _is_year_end_closure(day)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (which itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def today_in_japan() -> date:
    return timezone.localdate()


def default_deadline(*, working_days: int | None = None, start: date | None = None) -> date:
    from django.conf import settings

    return add_working_days(start or today_in_japan(), working_days or settings.DEFAULT_DEADLINE_WORKING_DAYS)
