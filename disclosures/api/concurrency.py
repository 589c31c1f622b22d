"""Optimistic concurrency of the draft: its ETag is its revision, the same number the browser form carries.

Reads answer `ETag: "draft-<revision>"`; every write to the draft needs `If-Match` with it. Missing:
428. Not the current revision: 412, with the current revision and ETag in the problem. A save that
loses the race after the check (the service's `DraftConflict`, under the row lock) is 412 as well: it is
the same failed precondition, found a moment later. 409 is kept for the request's state (a move the
state no longer allows).
"""

import re

from django.utils.translation import gettext as _

from disclosures.api.problems import Problem
from disclosures.models import ResponseDraft

_TAG = re.compile(r'^\s*(?:W/)?"draft-(\d{1,10})"\s*$')


def etag_for(draft: ResponseDraft) -> str:
    return f'"draft-{draft.revision}"'


def stale(draft: ResponseDraft) -> Problem:
    return Problem(
        status_code=412,
        kind="stale-revision",
        title=_("The draft was changed meanwhile"),
        detail=_(
            "Someone saved the draft since you read it (revision %(revision)s now). Read it again, "
            "apply your change and send it with the new ETag."
        )
        % {"revision": draft.revision},
        revision=draft.revision,
        etag=etag_for(draft),
    )


def revision_from_if_match(request, draft: ResponseDraft) -> int:
    """The revision the caller's If-Match names, if it is the draft's current one; else 428 or 412."""
    header = request.headers.get("If-Match")
    if not header:
        raise Problem(
            status_code=428,
            kind="if-match-required",
            title=_("If-Match required"),
            detail=_("Send the ETag of the draft you read in If-Match (it is %(etag)s now).")
            % {"etag": etag_for(draft)},
            revision=draft.revision,
            etag=etag_for(draft),
        )
    match = _TAG.match(header)
    if match is None or int(match.group(1)) != draft.revision:
        raise stale(draft)
    return draft.revision
