"""Errors worth another try later: the database, the broker, the TSA or a revocation responder briefly away."""

from django.db import InterfaceError, OperationalError
from pyhanko.sign.timestamps import TimestampRequestError


class RevocationDataUnavailable(ConnectionError):
    """No OCSP response or CRL could be had for a certificate of the chain while signing.

    Usually the responder or the distribution point is briefly down, so the job is retried with backoff; a
    certificate that is actually revoked fails at once instead (pyHanko's RevokedError is not this).
    """


TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    TimestampRequestError,
)
