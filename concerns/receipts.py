"""The filing receipt of a concern: what `pdf/concern.html` shows, in Japanese and English.

Nothing the filer entered is fetched or embedded: links are listed as text, uploaded files by name and
SHA-256. The receipt shows the concern as filed (it is frozen from then on).
"""

from django.utils import timezone, translation

from concerns.models import Ask, Concern, Observation, WorkKind


def _labels(choices, values: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        if value not in choices.values:
            continue
        with translation.override("ja"):
            ja = str(choices(value).label)
        with translation.override("en"):
            en = str(choices(value).label)
        pairs.append((ja, en))
    return pairs


def receipt_context(concern: Concern) -> dict:
    works = []
    for work in concern.works.all():
        [(kind_ja, kind_en)] = _labels(WorkKind, [work.kind]) or [(work.kind, work.kind)]
        works.append(
            {
                "kind_ja": kind_ja,
                "kind_en": kind_en,
                "title_ja": work.title_ja,
                "title_en": work.title_en,
                "identifier": work.identifier,
            }
        )
    return {
        "title": f"受付記録 {concern.reference} / Concern filed",
        "concern": concern,
        "filed_at": timezone.localtime(concern.filed_at),
        "works": works,
        "observations": _labels(Observation, concern.observations),
        "asks": _labels(Ask, concern.asks),
        "links": [line.strip() for line in concern.evidence_links.splitlines() if line.strip()],
        "evidence": list(concern.evidence.all()),
        "created_at": timezone.localtime(),
    }
