"""Watch terms against newly published declared sources, and the rights holders' daily digest.

`match_watch_terms()` reads each published version once (a watermark on its approval time) through
`public_sources()`, the one rule of what the public may see, so a confidential source never matches.
`send_digests()` sends each rights-holder user at most one email a day: the changes to the concerns they
filed and the new matches of their organisation's terms since their last digest.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from concerns.models import ConcernEvent, DigestSent, WatchMatch, WatchScan, WatchTerm
from disclosures.deadlines import today_in_japan
from portal.accounts.models import Role, User
from portal.japanese import MIN_READING_LENGTH, domain_matches, match_key, reading_key
from portal.mail import send_templated_email


def _texts(kind: str, source) -> list[str]:
    holders = [source.licence_grantor, *[str(h) for h in source.rights_holders or []]]
    texts = holders if kind == WatchTerm.Kind.RIGHTS_HOLDER else [source.name, *holders]
    return [text for text in texts if text]


class _Source:
    """One declared source with its keys and readings computed once, whatever the number of terms."""

    def __init__(self, source):
        self.source = source
        self._keys: dict[str, list[str]] = {}
        self._readings: dict[str, list[str]] = {}

    def keys(self, kind: str) -> list[str]:
        if kind not in self._keys:
            self._keys[kind] = [match_key(text) for text in _texts(kind, self.source)]
        return self._keys[kind]

    def readings(self, kind: str) -> list[str]:
        if kind not in self._readings:
            self._readings[kind] = [reading_key(text) for text in _texts(kind, self.source)]
        return self._readings[kind]


def source_matches(term: WatchTerm, source, *, term_reading: str | None = None) -> bool:
    """Whether one declared source matches a term: domains by host, names and rights holders by key or reading."""
    candidate = source if isinstance(source, _Source) else _Source(source)
    if term.kind == WatchTerm.Kind.DOMAIN:
        return any(domain_matches(str(d), term.key) for d in candidate.source.top_domains or [])
    if any(term.key in key for key in candidate.keys(term.kind)):
        return True
    reading = reading_key(term.term) if term_reading is None else term_reading
    return len(reading) >= MIN_READING_LENGTH and any(reading in r for r in candidate.readings(term.kind))


def match_watch_terms(*, now: datetime | None = None) -> int:
    """Record a `WatchMatch` for every term matched by a source of a version published since the last scan."""
    from disclosures.selectors.public import public_sources

    now = now or timezone.now()
    with transaction.atomic():
        scan = WatchScan.objects.select_for_update().first()
        since = scan.scanned_through if scan else None
        sources = public_sources().filter(version__publication__approved_at__lte=now)
        if since is not None:
            sources = sources.filter(version__publication__approved_at__gt=since)
        terms = [
            (term, "" if term.kind == WatchTerm.Kind.DOMAIN else reading_key(term.term))
            for term in WatchTerm.objects.all()
        ]
        found = 0
        if terms:
            for source in sources.iterator(chunk_size=2000):
                candidate = _Source(source)
                for term, reading in terms:
                    if source_matches(term, candidate, term_reading=reading):
                        _match, created = WatchMatch.objects.get_or_create(
                            term=term, source_id=source.pk, defaults={"request_id": source.version.request_id}
                        )
                        found += created
        if scan is None:
            WatchScan.objects.create(scanned_through=now)
        else:
            scan.scanned_through = now
            scan.save(update_fields=["scanned_through"])
    return found


def _digest_items(user: User, since: datetime | None, until: datetime) -> tuple[list, list]:
    from disclosures.selectors.public import public_sources

    window = {"created_at__lte": until} | ({"created_at__gt": since} if since else {})
    events = list(
        ConcernEvent.objects.filter(concern__filed_by=user, concern__organisation=user.organisation, tell_filer=True)
        .exclude(actor=user)
        .filter(**window)
        .select_related("concern")
        .order_by("concern__reference", "created_at")
    )
    match_window = {"matched_at__lte": until} | ({"matched_at__gt": since} if since else {})
    matches = list(
        WatchMatch.objects.filter(term__organisation=user.organisation, **match_window)
        .filter(source__in=public_sources().values("pk"))
        .select_related("term", "source", "request", "request__developer")
        .order_by("term__term", "matched_at")
    )
    return events, matches


def send_digest(user: User, *, now: datetime | None = None) -> bool:
    """Send the user's digest for today unless one went out already or nothing changed."""
    now = now or timezone.now()
    today = today_in_japan()
    last = DigestSent.objects.filter(user=user).order_by("-day").first()
    if last is not None and last.day >= today:
        return False
    events, matches = _digest_items(user, last.covered_until if last else None, now)
    if not events and not matches:
        return False
    try:
        with transaction.atomic():
            claim = DigestSent.objects.create(user=user, day=today, covered_until=now)
    except IntegrityError:
        return False  # another run of the beat task claimed today's digest
    concerns: dict[int, dict] = {}
    for event in events:
        entry = concerns.setdefault(
            event.concern_id,
            {
                "concern": event.concern,
                "url": reverse("concerns:detail", kwargs={"public_id": event.concern.public_id}),
                "events": [],
            },
        )
        entry["events"].append(event)
    items = [
        {
            "match": m,
            "url": reverse("public:request_detail", kwargs={"reference": m.request.reference}),
        }
        for m in matches
    ]
    try:
        send_templated_email(
            template="email/concern_digest",
            to=[user.email],
            language=user.preferred_language,
            context={"user": user, "concerns": list(concerns.values()), "matches": items},
        )
    except Exception:
        claim.delete()  # not sent: the next run tries again, still at most once a day
        raise
    return True


def send_digests() -> int:
    """Beat task: match new publications, then one digest per rights-holder user with news."""
    match_watch_terms()
    now = timezone.now()  # after matching, so the matches just found fall in this digest
    users = User.objects.filter(is_active=True, membership__role=Role.RIGHTS_HOLDER).exclude(email="")
    sent = 0
    for user in users.select_related("membership__organisation"):
        sent += send_digest(user, now=now)
    return sent


__all__ = ["match_watch_terms", "send_digest", "send_digests", "source_matches"]
