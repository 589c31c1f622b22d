"""What of a version the public does not see, and why: where each withheld answer sits, never what it says.

Built on the output of `selectors.answers.public_answers()` (its `withheld` paths) and the tiers of
`latest_claims()`, so the page says exactly what the confidentiality rule left out and nothing more.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from disclosures.models import ConfidentialityDecision, ResponseVersion, Tier
from disclosures.selectors.answers import answer_items, answer_key, latest_claims, public_answers


@dataclass(frozen=True)
class WithheldAnswer:
    """One withheld answer: its place ("Source 2", "Question 1"), the category claimed and whether the
    ministry accepted the claim. The developer's reason is not part of it: it may tell what is withheld."""

    path: str
    title: str
    tier: str
    accepted: bool

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label) if self.tier in Tier.values else _("Not marked public")


def _claim_versions(versions: list[ResponseVersion]) -> dict[str, int]:
    """The number of the newest version that holds each answer, by `answer_key` (where its latest claim is)."""
    newest: dict[str, int] = {}
    for version in sorted(versions, key=lambda v: v.number):
        for path, _title, item in answer_items(version.answers):
            newest[answer_key(path, item)] = version.number
    return newest


def _accepted(versions: list[ResponseVersion]) -> set[tuple[int, str]]:
    """(version number, answer key) of every claim the ministry accepted."""
    by_number = {v.number: v for v in versions}
    decided = list(
        ConfidentialityDecision.objects.filter(
            version__in=[v.pk for v in versions], decision=ConfidentialityDecision.Decision.ACCEPTED
        ).values_list("version__number", "answer_path")
    )
    keys = {
        number: {path: answer_key(path, item) for path, _title, item in answer_items(by_number[number].answers)}
        for number in {number for number, _path in decided if number in by_number}
    }
    return {(number, keys[number].get(path, path)) for number, path in decided if number in keys}


def withheld_answers(
    version: ResponseVersion, versions: Iterable[ResponseVersion] | None = None
) -> list[WithheldAnswer]:
    """Every answer of `version` that `public_answers()` withholds, in the order of the form.

    The category is the tier of the answer's latest claim (a later version's claim withholds it here
    too), or this version's own tier when only this version claims it. Attachments are named by their
    number, not their file name, since a name can say what a file holds. `versions` are the request's
    submitted versions (all of them); read from the database when omitted.
    """
    if versions is None:
        versions = ResponseVersion.objects.filter(request_id=version.request_id).only("pk", "number", "answers")
    versions = list(versions)
    return withheld_by_version([(version, public_answers(version, versions))], versions)[version.number]


def withheld_by_version(
    shown: list[tuple[ResponseVersion, dict]], versions: list[ResponseVersion]
) -> dict[int, list[WithheldAnswer]]:
    """`withheld_answers()` of each (version, its `public_answers()`) pair shown on a page, by version number.

    The claims, where they were made and the ministry's decisions are read once for all of them, so a
    request with many versions costs no more queries than one with a single version.
    """
    result: dict[int, list[WithheldAnswer]] = {version.number: [] for version, _public in shown}
    if not any(public["withheld"] for _version, public in shown):
        return result
    latest = latest_claims(versions)
    claim_versions = _claim_versions(versions)
    accepted = _accepted(versions)
    for version, public in shown:
        items = {path: (title, item) for path, title, item in answer_items(version.answers)}
        attachments = (p for p in items if p.startswith("attachments/"))
        attachment_numbers = {path: n for n, path in enumerate(attachments, 1)}
        for path in public["withheld"]:
            title, item = items.get(path, (_("Answer"), {}))
            key = answer_key(path, item)
            if latest.get(key, Tier.PUBLIC) != Tier.PUBLIC:
                tier, claimed_in = latest[key], claim_versions.get(key, version.number)
            else:
                tier, claimed_in = item.get("tier", ""), version.number
            if path.startswith("attachments/"):
                title = _("Attachment %(number)s") % {"number": attachment_numbers.get(path, "")}
            result[version.number].append(WithheldAnswer(path, str(title), str(tier), (claimed_in, key) in accepted))
    return result
