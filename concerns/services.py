"""The only code that changes a concern: filing by the rights holder, triage by the ministry, watch terms.

Each function checks who may act, locks what it changes, and appends a `ConcernEvent`; events marked
`tell_filer` reach the filer in their daily digest (`concerns.digest`), never in a mail of their own.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concerns.models import (
    OPEN_STATES,
    TRIAGE_STATES,
    Ask,
    Concern,
    ConcernEvent,
    ConcernEvidence,
    ConcernLink,
    ConcernWork,
    NoActionReason,
    Observation,
    State,
    WatchTerm,
    WorkKind,
)
from disclosures.deadlines import add_working_days, today_in_japan
from disclosures.models import DisclosureRequest, Section
from disclosures.services.audit import record_event
from disclosures.services.publication import bump_public_version
from disclosures.services.records import schedule_concern_record
from disclosures.services.requests import QuestionInput, RequestDraft, create_request
from disclosures.states import MINISTRY
from disclosures.uploads import inspect_upload
from portal.accounts.models import Organisation, Role, User
from portal.japanese import match_key, normalise_domain

# Evidence is what a rights holder saw: screenshots, video stills, a document or a text file.
EVIDENCE_KINDS = frozenset({"png", "jpeg", "gif", "webp", "pdf", "text"})
MAX_EVIDENCE_FILES = 20


class DraftConflict(Exception):
    """Someone saved the draft since this form was loaded; nothing was saved."""


@dataclass(frozen=True)
class WorkInput:
    kind: str
    title_ja: str = ""
    title_en: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class ConcernInput:
    """What a rights holder fills in; any of it may still be missing in a draft."""

    ministry: Organisation | None = None
    developer: Organisation | None = None
    model_name: str = ""
    observations: Sequence[str] = ()
    observed: str = ""
    evidence_text: str = ""
    evidence_links: str = ""
    prompts: str = ""
    asks: Sequence[str] = ()
    allow_public: bool = False
    works: Sequence[WorkInput] = field(default_factory=tuple)


def may_edit(user: User, concern: Concern) -> bool:
    return concern.state == State.DRAFT and is_filer_side(user, concern)


def is_filer_side(user: User, concern: Concern) -> bool:
    return user.has_role(Role.RIGHTS_HOLDER) and user.organisation.pk == concern.organisation_id


def may_triage(user: User, concern: Concern) -> bool:
    return (
        user.has_role(*MINISTRY)
        and concern.state != State.DRAFT
        and concern.ministry_id is not None
        and user.organisation.pk == concern.ministry_id
    )


def _event(concern: Concern, *, action: str, actor: User | None, message: str = "", tell_filer=True, **data):
    """The concern's history line, and the same step in the audit trail (no request: concerns stay off the
    public timelines; a supervisor reads the steps of their own ministry's staff)."""
    # Public pages show concern counts and the concerns whose filers allowed it: drop their cache after commit.
    transaction.on_commit(bump_public_version)
    audit = record_event(
        action=f"concern_{action}",
        actor=actor,
        to_state=concern.state,
        data={"concern": str(concern.public_id), "reference": concern.reference or "", **data},
    )
    return ConcernEvent.objects.create(
        concern=concern,
        action=action,
        actor=actor,
        to_state=concern.state,
        message=message,
        tell_filer=tell_filer,
        data={**data, "audit_event": audit.pk},
    )


def _lock(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


def _validate_input(data: ConcernInput, *, complete: bool) -> None:
    errors: dict[str, list[str]] = {}
    if data.ministry is not None and data.ministry.kind != Organisation.Kind.MINISTRY:
        errors.setdefault("ministry", []).append(_("Choose a ministry from the list."))
    if data.developer is not None and data.developer.kind != Organisation.Kind.DEVELOPER:
        errors.setdefault("developer", []).append(_("Choose an AI developer from the list."))
    if set(data.observations) - set(Observation.values):
        errors.setdefault("observations", []).append(_("Choose what was observed from the list."))
    if set(data.asks) - set(Ask.values):
        errors.setdefault("asks", []).append(_("Choose what you ask for from the list."))
    for work in data.works:
        if work.kind not in WorkKind.values:
            errors.setdefault("works", []).append(_("Choose the kind of each work from the list."))
        if not (work.title_ja.strip() or work.title_en.strip()):
            errors.setdefault("works", []).append(_("Give each work a title in Japanese or English."))
    if complete:
        if data.ministry is None:
            errors.setdefault("ministry", []).append(_("Choose the ministry to address."))
        if data.developer is None:
            errors.setdefault("developer", []).append(_("Choose the AI developer concerned."))
        if not data.works:
            errors.setdefault("works", []).append(_("Name at least one work affected."))
        if not data.observations:
            errors.setdefault("observations", []).append(_("Say what was observed."))
        if not data.asks:
            errors.setdefault("asks", []).append(_("Say what you ask for."))
    if errors:
        raise ValidationError(errors)


def _apply(concern: Concern, data: ConcernInput) -> None:
    concern.ministry = data.ministry
    concern.developer = data.developer
    concern.model_name = data.model_name.strip()
    concern.observations = [o for o in Observation.values if o in set(data.observations)]
    concern.observed = data.observed
    concern.evidence_text = data.evidence_text
    concern.evidence_links = data.evidence_links.strip()
    concern.prompts = data.prompts
    concern.asks = [a for a in Ask.values if a in set(data.asks)]
    concern.allow_public = data.allow_public
    concern.works.all().delete()
    ConcernWork.objects.bulk_create(
        ConcernWork(
            concern=concern,
            position=i,
            kind=w.kind,
            title_ja=w.title_ja.strip(),
            title_en=w.title_en.strip(),
            identifier=w.identifier.strip(),
        )
        for i, w in enumerate(data.works, start=1)
    )


@transaction.atomic
def start_concern(*, by: User, data: ConcernInput | None = None) -> Concern:
    """A new draft of the user's rights-holder organisation; only its members ever see it."""
    if not by.has_role(Role.RIGHTS_HOLDER):
        raise PermissionDenied(_("Only rights holders can file concerns."))
    data = data or ConcernInput()
    _validate_input(data, complete=False)
    concern = Concern.objects.create(organisation=by.organisation, filed_by=by)
    _apply(concern, data)
    concern.save()
    return concern


@transaction.atomic
def save_draft(*, concern: Concern, by: User, data: ConcernInput, revision: int) -> Concern:
    """Save the draft as it is (autosave or the save button). `revision` guards against a lost update."""
    concern = _lock(concern)
    if not may_edit(by, concern):
        raise PermissionDenied(_("Only your organisation can edit its drafts, and only before they are filed."))
    if revision != concern.revision:
        raise DraftConflict
    _validate_input(data, complete=False)
    _apply(concern, data)
    concern.revision += 1
    concern.filed_by = by
    concern.save()
    return concern


def add_evidence(*, concern: Concern, by: User, name: str, data: bytes, description: str = "") -> ConcernEvidence:
    """Attach an inspected file to a draft; a refused file raises ValidationError with the reason."""
    if not may_edit(by, concern):
        raise PermissionDenied(_("Evidence can be added only to a draft of your organisation."))
    verdict = inspect_upload(name, data)
    if not verdict:
        raise ValidationError({"evidence": [verdict.reason]})
    if verdict.kind not in EVIDENCE_KINDS:
        raise ValidationError({"evidence": [_("Evidence must be an image, a PDF or a text file.")]})
    if concern.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ValidationError({"evidence": [_("A concern holds at most %(n)d files.") % {"n": MAX_EVIDENCE_FILES}]})
    from django.core.files.base import ContentFile

    evidence = ConcernEvidence(
        concern=concern,
        original_name=name[-255:],
        content_type=verdict.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        description=description.strip()[:300],
        uploaded_by=by,
    )
    evidence.file.save(name, ContentFile(data), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: ConcernEvidence, by: User) -> None:
    if not may_edit(by, evidence.concern):
        raise PermissionDenied(_("Evidence can be removed only from a draft of your organisation."))
    evidence.file.delete(save=False)
    ConcernEvidence.objects.filter(pk=evidence.pk).delete()


def _next_reference(concern: Concern) -> str:
    return f"RH-{today_in_japan().year}-{concern.pk:05d}"


@transaction.atomic
def file_concern(*, concern: Concern, by: User) -> Concern:
    """File the draft with the chosen ministry: it gets a reference, a triage due date, is frozen, and gets
    a signed filing receipt (a record in the public log) once the transaction commits."""
    concern = _lock(concern)
    if not may_edit(by, concern):
        raise PermissionDenied(_("Only your organisation can file its drafts."))
    works = [
        WorkInput(kind=w.kind, title_ja=w.title_ja, title_en=w.title_en, identifier=w.identifier)
        for w in concern.works.all()
    ]
    _validate_input(
        ConcernInput(
            ministry=concern.ministry,
            developer=concern.developer,
            observations=concern.observations,
            asks=concern.asks,
            works=works,
        ),
        complete=True,
    )
    concern.state = State.NEW
    concern.filed_by = by
    concern.filed_at = timezone.now()
    concern.reference = _next_reference(concern)
    concern.due_date = add_working_days(today_in_japan(), settings.CONCERN_TRIAGE_WORKING_DAYS)
    concern.save()
    _event(concern, action="file", actor=by, tell_filer=False)
    # Filing is provable: a signed receipt, logged, made after commit by the records machinery.
    schedule_concern_record(concern=concern)
    return concern


def note_receipt_integrity_failure(*, concern: Concern, record, by: User) -> None:
    """A trace that the stored receipt failed its integrity check (for the ministry; the filer is not told)."""
    _event(
        concern,
        action="record_integrity_failed",
        actor=by,
        tell_filer=False,
        record=str(record.public_id),
        file=record.file.name,
    )


def _require_triage(by: User, concern: Concern) -> None:
    if not may_triage(by, concern):
        raise PermissionDenied(_("Only officials of the ministry the concern was filed with can triage it."))


def _group(concern: Concern) -> list[Concern]:
    """The concern and its merged duplicates, locked: triage moves them together."""
    primary = concern.merged_into or concern
    return list(Concern.objects.select_for_update().filter(pk=primary.pk)) + list(
        Concern.objects.select_for_update().filter(merged_into=primary).order_by("pk")
    )


def _set_state(group: list[Concern], state: str, *, action: str, by: User, message: str = "", **fields) -> None:
    for member in group:
        member.state = state
        for name, value in fields.items():
            setattr(member, name, value)
        member.save()
        _event(member, action=action, actor=by, message=message)


@transaction.atomic
def assign_concern(*, concern: Concern, by: User, assignee: User | None, due_date: date | None = None) -> Concern:
    """Give the concern (and its duplicates) an official of the ministry and, optionally, a new due date."""
    concern = _lock(concern)
    _require_triage(by, concern)
    if assignee is not None and not (assignee.has_role(*MINISTRY) and assignee.organisation == concern.ministry):
        raise ValidationError({"assignee": [_("Assign an official of your ministry.")]})
    if due_date is not None and due_date < today_in_japan():
        raise ValidationError({"due_date": [_("The due date cannot be in the past.")]})
    for member in _group(concern):
        member.assignee = assignee
        if due_date is not None:
            member.due_date = due_date
        member.save()
        _event(member, action="assign", actor=by, tell_filer=False, assignee=assignee.pk if assignee else None)
    concern.refresh_from_db()
    return concern


@transaction.atomic
def start_assessment(*, concern: Concern, by: User) -> Concern:
    concern = _lock(concern)
    _require_triage(by, concern)
    if concern.state != State.NEW:
        raise ValidationError(_("Only a new concern can be taken under assessment."))
    _set_state(_group(concern), State.UNDER_ASSESSMENT, action="assess", by=by)
    concern.refresh_from_db()
    return concern


@transaction.atomic
def close_without_action(*, concern: Concern, by: User, reason: str, note: str = "") -> Concern:
    """No action, with a reason the filer reads (and an explanation, required for "other")."""
    concern = _lock(concern)
    _require_triage(by, concern)
    if concern.state not in TRIAGE_STATES:
        raise ValidationError(_("Only a concern still in triage can be closed without action."))
    if reason not in NoActionReason.values:
        raise ValidationError({"reason": [_("Choose a reason from the list.")]})
    if reason == NoActionReason.OTHER and not note.strip():
        raise ValidationError({"note": [_("Explain the reason to the filer.")]})
    _set_state(
        _group(concern),
        State.NO_ACTION,
        action="no_action",
        by=by,
        message=note.strip(),
        no_action_reason=reason,
        no_action_note=note.strip(),
    )
    concern.refresh_from_db()
    return concern


@transaction.atomic
def withdraw_concern(*, concern: Concern, by: User, message: str = "") -> Concern:
    """The filer withdraws a filed concern (it leaves its group if it was merged)."""
    concern = _lock(concern)
    if not is_filer_side(by, concern) or concern.state not in OPEN_STATES:
        raise PermissionDenied(_("Only the filer's organisation can withdraw an open concern."))
    concern.state = State.WITHDRAWN
    concern.save()
    _event(concern, action="withdraw", actor=by, message=message.strip(), tell_filer=False)
    return concern


def _link(group: list[Concern], request: DisclosureRequest, *, by: User, opened_from: bool) -> None:
    for member in group:
        ConcernLink.objects.get_or_create(
            concern=member, request=request, defaults={"linked_by": by, "opened_from": opened_from}
        )
        member.state = State.LINKED
        member.save()
        _event(member, action="link", actor=by, request=str(request.public_id), opened=opened_from)


@transaction.atomic
def link_to_request(*, concern: Concern, by: User, request: DisclosureRequest) -> Concern:
    """Link the concern's group to a request of the same ministry (drafts included: the filer sees them later)."""
    concern = _lock(concern)
    _require_triage(by, concern)
    if concern.state not in OPEN_STATES:
        raise ValidationError(_("A concern closed or withdrawn cannot be linked."))
    if request.ministry_id != concern.ministry_id:
        raise ValidationError({"request": [_("Link a request of your ministry.")]})
    _link(_group(concern), request, by=by, opened_from=False)
    concern.refresh_from_db()
    return concern


@transaction.atomic
def merge_concerns(*, primary: Concern, duplicate: Concern, by: User) -> Concern:
    """Merge `duplicate` (and its own duplicates) into `primary`; each filer keeps their concern and is told."""
    primary, duplicate = _lock(primary), _lock(duplicate)
    _require_triage(by, primary)
    _require_triage(by, duplicate)
    if primary.merged_into_id:
        primary = _lock(primary.merged_into)
    if duplicate.pk == primary.pk or duplicate.merged_into_id == primary.pk:
        raise ValidationError({"duplicate": [_("These concerns are already one.")]})
    if primary.state not in OPEN_STATES or duplicate.state not in OPEN_STATES:
        raise ValidationError({"duplicate": [_("Only open concerns can be merged.")]})
    moved = [duplicate, *Concern.objects.select_for_update().filter(merged_into=duplicate)]
    links = list(primary.links.select_related("request"))
    for member in moved:
        member.merged_into = primary
        member.state = primary.state
        member.assignee = primary.assignee
        member.due_date = primary.due_date
        member.save()
        for link in links:
            ConcernLink.objects.get_or_create(
                concern=member, request=link.request, defaults={"linked_by": by, "opened_from": link.opened_from}
            )
        _event(member, action="merge", actor=by, into=primary.reference)
    # What the duplicates were linked to, the primary's group is linked to as well.
    for link in ConcernLink.objects.filter(concern__in=moved).exclude(request__in=[x.request for x in links]):
        for member in _group(primary):
            ConcernLink.objects.get_or_create(concern=member, request=link.request, defaults={"linked_by": by})
    _event(primary, action="merge", actor=by, tell_filer=False, merged=[m.reference for m in moved])
    return primary


OBSERVATION_QUESTIONS = {
    Observation.OUTPUT_RESEMBLES: gettext_lazy(
        "Rights holders report outputs that closely resemble their works or characters. Which safeguards "
        "detect and block such outputs, and how were they evaluated?"
    ),
    Observation.SUSPECTED_SOURCE: gettext_lazy(
        "Rights holders suspect that their works were used for training. Were the works listed below, or "
        "sites publishing them, among the training sources? Give the source, the period and the legal basis."
    ),
    Observation.NAME_IN_PROMPTS: gettext_lazy(
        "Prompts naming rights holders' works or characters are reported to produce matching outputs. How "
        "are such prompts handled?"
    ),
    Observation.STYLE_OUTPUT: gettext_lazy(
        "“In the style of” outputs imitating particular creators are reported. How are such prompts handled, "
        "and was any fine-tuning aimed at particular works or creators?"
    ),
}
SECTIONS_BY_ASK = {
    Ask.DISCLOSE_SOURCES: [Section.TRAINING_DATA, Section.SOURCES],
    Ask.OUTPUT_FILTERING: [Section.OUTPUT_FILTERS],
    Ask.TAKEDOWN: [Section.TAKEDOWN],
    Ask.OPT_IN_LICENSING: [Section.SOURCES, Section.GOVERNANCE],
}


def _prefill(group: list[Concern]) -> RequestDraft:
    primary = group[0]
    observations = [o for o in Observation.values if any(o in c.observations for c in group)]
    sections = [s for s in Section.values if any(s in SECTIONS_BY_ASK[Ask(a)] for c in group for a in c.asks)]
    # Only works whose filers allowed publicity are named: the request may become public.
    titles = [str(w) for c in group if c.allow_public and c.state != State.WITHDRAWN for w in c.works.all()]
    questions = [QuestionInput(text=str(OBSERVATION_QUESTIONS[Observation(o)])) for o in observations]
    if titles:
        questions.append(
            QuestionInput(text=_("Works named by rights holders: %(titles)s") % {"titles": "、".join(titles)})
        )
    model_name = next((c.model_name for c in group if c.model_name), "") or _("(model to be named)")
    return RequestDraft(
        developer=primary.developer,
        model_name=model_name,
        covering_letter=_(
            "Rights holders have raised concerns about this model with the ministry. Under Article 16 of the "
            "AI Promotion Act we ask for a technical explanation of the points below."
        ),
        sections=sections or [Section.SOURCES],
        questions=questions,
    )


@transaction.atomic
def open_request_from(*, concern: Concern, by: User, ip: str | None = None) -> DisclosureRequest:
    """Draft a new request pre-filled from the concern and its merged duplicates, and link them all to it."""
    concern = _lock(concern)
    _require_triage(by, concern)
    if concern.state not in OPEN_STATES:
        raise ValidationError(_("A concern closed or withdrawn cannot open a request."))
    group = [c for c in _group(concern) if c.state in OPEN_STATES]
    request = create_request(by=by, draft=_prefill(group), ip=ip)
    _link(group, request, by=by, opened_from=True)
    return request


@transaction.atomic
def add_watch_term(*, by: User, kind: str, term: str) -> WatchTerm:
    """Register a term for the user's organisation; its variants (widths, kana, case) match by its key."""
    if not by.has_role(Role.RIGHTS_HOLDER):
        raise PermissionDenied(_("Only rights holders can watch terms."))
    if kind not in WatchTerm.Kind.values:
        raise ValidationError({"kind": [_("Choose a kind from the list.")]})
    term = " ".join(term.split())[:200]
    key = normalise_domain(term) if kind == WatchTerm.Kind.DOMAIN else match_key(term)
    if kind == WatchTerm.Kind.DOMAIN and ("." not in key or " " in key):
        raise ValidationError({"term": [_("Enter a domain such as example.co.jp.")]})
    if len(key) < 2:
        raise ValidationError({"term": [_("A watch term needs at least two characters.")]})
    try:
        with transaction.atomic():
            return WatchTerm.objects.create(organisation=by.organisation, created_by=by, kind=kind, term=term, key=key)
    except IntegrityError:
        raise ValidationError({"term": [_("Your organisation already watches this term.")]}) from None


@transaction.atomic
def remove_watch_term(*, term: WatchTerm, by: User) -> None:
    if not (by.has_role(Role.RIGHTS_HOLDER) and by.organisation.pk == term.organisation_id):
        raise PermissionDenied
    term.delete()
