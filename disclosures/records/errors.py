"""Errors worth another try later: the database, the broker or the timestamp authority briefly away."""

from django.db import InterfaceError, OperationalError
from pyhanko.sign.timestamps import TimestampRequestError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    TimestampRequestError,
)
