"""The only code that changes a developer's answer: drafts, attachments, versions and confidentiality decisions."""

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures import answer as definition
from disclosures.answer.guards import document_error
from disclosures.models import (
    Attachment,
    ConfidentialityDecision,
    DeclaredSource,
    DisclosureRequest,
    ResponseDraft,
    ResponseVersion,
    StashedInput,
    Tier,
)
from disclosures.permissions import is_party
from disclosures.services.audit import record_event
from disclosures.states import AWAITING_DEVELOPER, DEVELOPER
from disclosures.uploads import inspect_upload
from portal.accounts.models import Role, User

STASH_LIFETIME = timedelta(days=1)
STASH_MAX_BYTES = 1_000_000
STASH_MAX_PER_USER = 3
STASH_TICKET_SALT = "disclosures.answers.stash"


class DraftConflict(Exception):
    """A save based on an older revision than the stored one: someone else saved in between."""

    def __init__(self, draft: ResponseDraft):
        super().__init__(f"draft is at revision {draft.revision}")
        self.draft = draft


class IncompleteAnswer(ValidationError):
    """The draft cannot be submitted; `problems` says what is missing or wrong, field by field."""

    def __init__(self, problems: list[definition.Problem]):
        self.problems = problems
        super().__init__([f"{p.section} – {p.label}: {p.message}" for p in problems])


class InvalidAnswer(ValidationError):
    """The answers cannot be kept even as a draft (a wrong type, range or choice); `problems` says where."""

    def __init__(self, problems: list[definition.Problem]):
        self.problems = problems
        super().__init__([f"{p.label}: {p.message}" for p in problems])


def may_edit_answers(user: User, request: DisclosureRequest) -> bool:
    """Developers of the request's company, while the request awaits their answer."""
    return user.has_role(*DEVELOPER) and is_party(user, request) and request.state in AWAITING_DEVELOPER


def draft_for(request: DisclosureRequest) -> ResponseDraft:
    return ResponseDraft.objects.get_or_create(request=request)[0]


def clean_document(
    request: DisclosureRequest, document: dict, *, strict: bool = False
) -> tuple[dict, list[definition.Problem]]:
    """Validate a document with the answer definition: the cleaned document and every problem found.

    `strict` checks it as a submission (`definition.validate_submission`), otherwise as a draft.
    """
    return definition.validate(request, document, strict=strict)


@transaction.atomic
def save_draft(*, request: DisclosureRequest, by: User, answers: dict, revision: int) -> ResponseDraft:
    """Keep the answers typed so far (types checked, nothing required), unless someone saved in between.

    Raises `InvalidAnswer` (with each problem's path) when a value is of the wrong type, range or
    choice, and `DraftConflict` when `revision` is not the stored one: the caller shows both versions.
    """
    if not may_edit_answers(by, request):
        raise PermissionDenied(_("You may not edit the answers of this request."))
    cleaned, problems = definition.validate_draft(request, answers)
    if problems:
        raise InvalidAnswer(problems)
    draft = draft_for(request)
    draft = ResponseDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.revision != revision:
        raise DraftConflict(draft)
    draft.answers = cleaned
    draft.revision += 1
    draft.updated_by = by
    draft.updated_at = timezone.now()
    draft.save()
    return draft


# The extensions an answer may attach; disclosures.uploads checks that the content agrees.
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
}


@transaction.atomic
def add_attachment(
    *,
    request: DisclosureRequest,
    by: User,
    upload: UploadedFile,
    description: str = "",
    tier: str = Tier.PUBLIC,
    reason: str = "",
) -> Attachment:
    """Store a file with the draft after checking its size and that its content is what its name says."""
    if not may_edit_answers(by, request):
        raise PermissionDenied(_("You may not edit the answers of this request."))
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = settings.ATTACHMENT_MAX_BYTES
    if extension not in _CONTENT_TYPES:
        raise ValidationError({"attachment": _("Only PDF, CSV, PNG and JPEG files can be attached.")})
    if upload.size > limit:
        raise ValidationError(
            {"attachment": _("The file is larger than the limit of %(mb).1f MB.") % {"mb": limit / 1_000_000}}
        )
    upload.seek(0)
    verdict = inspect_upload(name, upload.read())
    upload.seek(0)
    if not verdict.accepted:
        raise ValidationError({"attachment": verdict.reason})
    if tier not in Tier.values:
        raise ValidationError({"attachment_tier": _("Choose a confidentiality tier from the list.")})
    if tier != Tier.PUBLIC and not reason.strip():
        raise ValidationError({"attachment_reason": _("Give the reason this file should not be public.")})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        request=request,
        original_name=name[:255],
        content_type=_CONTENT_TYPES[extension],
        size=upload.size,
        sha256=digest.hexdigest(),
        description=description.strip(),
        tier=tier,
        reason=reason.strip() if tier != Tier.PUBLIC else "",
        uploaded_by=by,
    )
    attachment.file.save(f"upload.{extension}", upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by: User) -> None:
    """Take a file out of the draft; a file already submitted stays with the version that holds it."""
    if not may_edit_answers(by, attachment.request):
        raise PermissionDenied(_("You may not edit the answers of this request."))
    if attachment.submitted_in_id is not None:
        attachment.in_draft = False
        attachment.save(update_fields=["in_draft"])
        return
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


def _attachment_entry(attachment: Attachment) -> dict:
    return {
        "id": str(attachment.public_id),
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "description": attachment.description,
        "tier": attachment.tier,
        "reason": attachment.reason,
    }


def declare_sources(*, version: ResponseVersion) -> list[DeclaredSource]:
    """Extract a new version's source rows for the "Was my work used?" search, each with its row identity."""
    from disclosures.search import index_sources
    from disclosures.selectors.answers import answer_key

    rows = version.answers.get("sources") or []
    sources = DeclaredSource.objects.bulk_create(
        DeclaredSource(
            version=version,
            request_id=version.request_id,
            position=index,
            answer_path=f"sources/{index}",
            row_key=answer_key(f"sources/{index}", row),
            name=str(row.get("name", ""))[:300],
            kind=row.get("kind", ""),
            modality=row.get("modality", ""),
            top_domains=row.get("top_domains", []),
            rights_holders=row.get("rights_holders", []),
            consent_basis=row.get("consent_basis", ""),
            licence_grantor=str(row.get("licence_grantor", ""))[:300],
            tier=row.get("tier", Tier.TRADE_SECRET),
        )
        for index, row in enumerate(rows)
        if isinstance(row, dict)
    )
    index_sources(sources)  # the search keys, written with the rows they index
    return sources


def create_version(*, request: DisclosureRequest, by: User) -> ResponseVersion:
    """Freeze the draft as the next numbered version, or raise `IncompleteAnswer` listing what is missing.

    Called by `submit_response` inside its transaction, after it has checked who may submit.
    """
    draft = ResponseDraft.objects.select_for_update().filter(request=request).first()
    document = draft.answers if draft else {}
    cleaned, problems = definition.validate_submission(request, document)
    if problems:
        raise IncompleteAnswer(problems)
    attachments = list(request.attachments.filter(in_draft=True))
    cleaned["attachments"] = [_attachment_entry(a) for a in attachments]
    number = (request.response_versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ResponseVersion.objects.create(request=request, number=number, answers=cleaned, submitted_by=by)
    declare_sources(version=version)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments], submitted_in__isnull=True).update(
        submitted_in=version
    )
    return version


def may_decide_claims(user: User, request: DisclosureRequest) -> bool:
    """Supervisors of the requesting ministry (README: they approve publication and confidentiality decisions)."""
    return user.is_authenticated and user.has_role(Role.SUPERVISOR) and is_party(user, request)


@transaction.atomic
def decide_claim(
    *, version: ResponseVersion, answer_path: str, decision: str, by: User, reason: str = ""
) -> ConfidentialityDecision:
    """A supervisor of the requesting ministry accepts or rejects one confidentiality claim of a submitted version.

    A rejection asks for a reason. Officials review and comment, but the decision is a supervisor's.
    """
    from disclosures.selectors.answers import claims

    if not may_decide_claims(by, version.request):
        raise PermissionDenied(_("Only a supervisor of the requesting ministry decides on confidentiality claims."))
    if decision not in ConfidentialityDecision.Decision.values:
        raise ValidationError({"decision": _("Accept or reject the claim.")})
    if answer_path not in {claim.path for claim in claims(version)}:
        raise ValidationError({"answer_path": _("This answer makes no confidentiality claim.")})
    if decision == ConfidentialityDecision.Decision.REJECTED and not reason.strip():
        raise ValidationError({"reason": _("Explain why the claim is rejected: the developer will see it.")})
    result, _created = ConfidentialityDecision.objects.update_or_create(
        version=version,
        answer_path=answer_path,
        defaults={"decision": decision, "reason": reason.strip(), "decided_by": by},
    )
    record_event(
        action="decide_confidentiality",
        actor=by,
        request=version.request,
        data={"version": version.number, "answer_path": answer_path, "decision": decision},
    )
    return result


@dataclass
class ImportResult:
    draft: ResponseDraft
    reported: list[str] = field(default_factory=list)


def _fields_report(prefix: str, values, model: type[definition.Answer]) -> list[str]:
    if not isinstance(values, dict):
        return [_("%(path)s: expected an object; not imported.") % {"path": prefix}]
    unknown = sorted(set(values) - set(model.model_fields))
    return [_("%(path)s: unknown field, not imported.") % {"path": f"{prefix}.{name}"} for name in unknown]


def _document_report(request: DisclosureRequest, document: dict) -> list[str]:
    """What of an imported document has no place in this request's answer."""
    reported = []
    asked = set(request.sections)
    positions = {str(q.position) for q in request.questions.all()}
    for key, value in document.items():
        if key in ("schema", "schema_version", "attachments"):
            if key == "attachments" and value:
                reported.append(_("attachments: files are not part of the document; attach them again."))
            continue
        if key == "questions":
            if not isinstance(value, dict):
                reported.append(_("questions: expected an object; not imported."))
                continue
            for position, answer in value.items():
                if position not in positions:
                    reported.append(
                        _("questions.%(n)s: this request has no such question; not imported.") % {"n": position}
                    )
                else:
                    reported += _fields_report(f"questions.{position}", answer, definition.QuestionAnswer)
            continue
        if key not in definition.SECTION_BLOCKS and key not in definition.SECTION_ROWS:
            reported.append(_("%(key)s: unknown section; not imported.") % {"key": key})
        elif key not in asked:
            reported.append(_("%(key)s: this request does not ask this section; not imported.") % {"key": key})
        elif key in definition.SECTION_ROWS:
            if not isinstance(value, list):
                reported.append(_("%(key)s: expected a list of rows; not imported.") % {"key": key})
                continue
            for index, row in enumerate(value):
                reported += _fields_report(f"{key}[{index}]", row, definition.SECTION_ROWS[key])
        else:
            reported += _fields_report(key, value, definition.SECTION_BLOCKS[key])
            if key in definition.NESTED_ROWS and isinstance(value, dict):
                nested_key, row_model = definition.NESTED_ROWS[key]
                rows = value.get(nested_key, [])
                for index, row in enumerate(rows if isinstance(rows, list) else []):
                    reported += _fields_report(f"{key}.{nested_key}[{index}]", row, row_model)
    return reported


def _carry_ids(rows, current) -> object:
    if not isinstance(rows, list) or not isinstance(current, list):
        return rows
    result = []
    for index, row in enumerate(rows):
        if isinstance(row, dict) and definition.ROW_ID not in row and index < len(current):
            earlier = current[index]
            if isinstance(earlier, dict) and definition.valid_row_id(earlier.get(definition.ROW_ID)):
                row = {**row, definition.ROW_ID: earlier[definition.ROW_ID]}
        result.append(row)
    return result


def keep_row_ids(value, current) -> object:
    """Imported rows without a row id take the id of the draft's row at the same position.

    A spreadsheet or another tool's document carries no ids; matching by position keeps a claim made
    on a row in an earlier version attached to the row that replaces it (see docs/decisions.md).
    """
    if isinstance(value, dict) and isinstance(current, dict):
        return {
            name: _carry_ids(rows, current.get(name)) if isinstance(rows, list) else rows
            for name, rows in value.items()
        }
    return _carry_ids(value, current)


def _value_at(document, path: str) -> str:
    value = document
    for part in path.strip("/").split("/"):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return ""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return "" if value is None else str(value)


def _problem_report(document: dict, problems: list[definition.Problem]) -> list[str]:
    """The values left out of an import; unknown fields and wrong shapes are in `_document_report`."""
    return [
        _("%(field)s (%(value)s): %(error)s; not imported.")
        % {
            "field": problem.anchor.removeprefix("id_") or problem.path,
            "value": _value_at(document, problem.path),
            "error": problem.message,
        }
        for problem in problems
        if problem.code == "invalid"
    ]


def _merge(request: DisclosureRequest, document: dict) -> dict:
    """The draft with the document's sections replacing its own, and the document's question answers."""
    merged = {**draft_for(request).answers}
    for key, value in document.items():
        if key == "questions" and isinstance(value, dict):
            merged["questions"] = {**merged.get("questions", {}), **value}
        elif key not in ("schema", "schema_version", "attachments"):
            merged[key] = keep_row_ids(value, merged.get(key))
    return merged


def import_answers(*, request: DisclosureRequest, by: User, document: object, revision: int) -> ImportResult:
    """Pre-fill the draft from a JSON answer document; whatever does not fit is reported, never dropped silently.

    Sections in the document replace those of the draft; values that fail validation are left out and
    reported with their field. An EU summary of training content (`"template":
    "eu-gpai-training-content-summary"`) is imported by `import_eu_summary`.
    """
    from disclosures.answer.eu_template import TEMPLATE_ID

    if not may_edit_answers(by, request):
        raise PermissionDenied(_("You may not edit the answers of this request."))
    if not isinstance(document, dict):
        raise ValidationError(_("The document must be a JSON object."))
    if document.get("template") == TEMPLATE_ID:
        return import_eu_summary(request=request, by=by, summary=document, revision=revision)
    problem = document_error(document)
    if problem:
        raise ValidationError(problem)
    reported = _document_report(request, document)
    merged = _merge(request, document)
    cleaned, problems = definition.validate(request, merged, strict=False, drop_invalid=True)
    reported += _problem_report(merged, problems)
    draft = save_draft(request=request, by=by, answers=cleaned, revision=revision)
    return ImportResult(draft=draft, reported=reported)


def import_eu_summary(*, request: DisclosureRequest, by: User, summary: object, revision: int) -> ImportResult:
    """Pre-fill the draft from an EU "public summary of training content" (disclosures.answer.eu_template).

    Fields the summary fills are set in the draft one by one, its datasets become source rows (matched
    by kind and name on a second import); what has no place in the answer is reported by its EU path. A
    summary that is not of the template's shape (unknown keys, wrong types) imports nothing.
    """
    from pydantic import ValidationError as ShapeError

    from disclosures.answer import eu_template

    if not may_edit_answers(by, request):
        raise PermissionDenied(_("You may not edit the answers of this request."))
    if not isinstance(summary, dict):
        raise ValidationError(_("The document must be a JSON object."))
    problem = document_error(summary)
    if problem:
        raise ValidationError(problem)
    try:
        parsed = eu_template.EuSummary.model_validate(summary)
    except ShapeError as error:
        raise ValidationError(
            [
                _("%(path)s: not of the EU template's shape; nothing was imported.")
                % {"path": ".".join(str(part) for part in item["loc"]) or "/"}
                for item in error.errors()
            ]
        ) from None
    filled, unmapped = eu_template.to_answer(parsed)
    asked = set(request.sections)
    reported = [_("%(path)s: no place in this answer; not imported.") % {"path": path} for path in unmapped]
    reported += [
        _("%(key)s: this request does not ask this section; not imported.") % {"key": key}
        for key in filled
        if key not in asked
    ]
    merged = eu_template.merge(draft_for(request).answers, filled, asked)
    cleaned, problems = definition.validate(request, merged, strict=False, drop_invalid=True)
    reported += _problem_report(merged, problems)
    draft = save_draft(request=request, by=by, answers=cleaned, revision=revision)
    return ImportResult(draft=draft, reported=reported)


def export_answers(draft: ResponseDraft) -> dict:
    """The draft as a JSON answer document (docs/answer-schema.json); attached files are not included."""
    document = {key: value for key, value in draft.answers.items() if key != "attachments"}
    return {"schema": "article16-answer", **document, "schema_version": definition.SCHEMA_VERSION}


def stash_ticket(*, user: User, request: DisclosureRequest) -> str:
    """A signed note for the answer form: input posted with it after the session expired is kept for `user`.

    It names the user and the request, and lives no longer than a session may (SESSION_ABSOLUTE_TIMEOUT).
    """
    return signing.dumps({"user": user.pk, "request": str(request.public_id)}, salt=STASH_TICKET_SALT)


def stash_owner(*, ticket: str, request_public_id) -> User | None:
    """The active user a ticket was issued to for this request, or None (forged, expired, other request)."""
    try:
        value = signing.loads(ticket or "", salt=STASH_TICKET_SALT, max_age=settings.SESSION_ABSOLUTE_TIMEOUT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("request") != str(request_public_id):
        return None
    return User.objects.filter(pk=value.get("user"), is_active=True).first()


@transaction.atomic
def stash_input(*, by: User, request: DisclosureRequest, data: dict) -> str | None:
    """Keep input `by` posted after their session expired; the token it returns restores it after sign-in.

    Only for a user who may edit the request's answers. One stash per user and request (the newest),
    at most STASH_MAX_PER_USER per user and STASH_MAX_BYTES each; None when the input is too large.
    """
    if not may_edit_answers(by, request):
        raise PermissionDenied(_("You may not edit the answers of this request."))
    if len(json.dumps(data, ensure_ascii=False).encode()) > STASH_MAX_BYTES:
        return None
    StashedInput.objects.filter(created_at__lt=timezone.now() - STASH_LIFETIME).delete()
    mine = StashedInput.objects.filter(data__owner=by.pk)
    mine.filter(request_public_id=request.public_id).delete()
    older = list(mine.order_by("-created_at", "-pk").values_list("pk", flat=True)[STASH_MAX_PER_USER - 1 :])
    StashedInput.objects.filter(pk__in=older).delete()
    token = secrets.token_urlsafe(32)
    StashedInput.objects.create(token=token, request_public_id=request.public_id, data={"owner": by.pk, "fields": data})
    return token


def take_stashed_input(*, request: DisclosureRequest, by: User, token: str) -> dict | None:
    """The input `by` stashed for this request, once (it is deleted as it is taken)."""
    with transaction.atomic():
        stash = (
            StashedInput.objects.select_for_update()
            .filter(
                token=token,
                request_public_id=request.public_id,
                data__owner=by.pk,
                created_at__gte=timezone.now() - STASH_LIFETIME,
            )
            .first()
        )
        if stash is None:
            return None
        fields = stash.data.get("fields")
        stash.delete()
    return fields if isinstance(fields, dict) else None
