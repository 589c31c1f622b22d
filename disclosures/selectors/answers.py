"""Read-side of answers: the confidentiality rule, versions, comparisons and attachments.

`public_answers` is the single place that decides what of an answer the public may see. The public
site, the open data, the public PDF records and exports all go through it (or, for the dataset search,
through `public_declared_sources`, which applies the same rule in SQL).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from disclosures import answer as definition
from disclosures.models import (
    Attachment,
    AuditEvent,
    ConfidentialityDecision,
    DeclaredSource,
    DisclosureRequest,
    ResponseVersion,
    Section,
    Tier,
)
from disclosures.states import MINISTRY, Action
from portal.accounts.models import User

CONFIDENTIALITY_KEYS = definition.model.CONFIDENTIALITY


@dataclass(frozen=True)
class Claim:
    """An answer (block, row, question answer or file) claimed not to be public."""

    path: str
    title: str
    tier: str
    reason: str

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label if self.tier in Tier.values else self.tier


ROW_TITLES = {
    Section.SOURCES.value: gettext_lazy("Source %(number)s"),
    Section.OUTPUT_FILTERS.value: gettext_lazy("Output filter %(number)s"),
    "channels": gettext_lazy("Complaint channel %(number)s"),
}


def _row_title(key: str, number: int, fallback: str) -> str:
    title = ROW_TITLES.get(key)
    return str(title % {"number": number}) if title is not None else f"{fallback} {number}"


def _nested_key(section: str) -> str | None:
    """The key of the rows a section's block holds (the definition's NESTED_ROWS), or None."""
    nested = definition.NESTED_ROWS.get(section)
    return nested[0] if nested else None


def answer_items(answers: dict) -> list[tuple[str, str, dict]]:
    """Every answer with its own confidentiality tier: (path, title, item), in the order of the form."""
    items: list[tuple[str, str, dict]] = []
    for section in Section:
        value = answers.get(section.value)
        if isinstance(value, dict):
            items.append((section.value, str(section.label), value))
            key = _nested_key(section.value)
            rows = value.get(key) if key else None
            for index, row in enumerate(rows if isinstance(rows, list) else []):
                if isinstance(row, dict):
                    title = _row_title(key, index + 1, f"{section.label} – {key}")
                    items.append((f"{section.value}/{key}/{index}", title, row))
        elif isinstance(value, list):
            for index, row in enumerate(value):
                if isinstance(row, dict):
                    items.append((f"{section.value}/{index}", _row_title(section.value, index + 1, section.label), row))
    for position, answer in (answers.get("questions") or {}).items():
        if isinstance(answer, dict):
            items.append((f"questions/{position}", str(_("Question %(number)s") % {"number": position}), answer))
    for attachment in answers.get("attachments") or []:
        if isinstance(attachment, dict):
            items.append((f"attachments/{attachment.get('id')}", attachment.get("name", ""), attachment))
    return items


ROW_ID = definition.ROW_ID


def is_row_path(path: str) -> bool:
    """Whether an answer path names a row ("sources/0", "takedown/channels/1"), not a block or question."""
    parts = path.split("/")
    return len(parts) == 3 or (len(parts) == 2 and parts[0] in definition.SECTION_ROWS)


def answer_key(path: str, item: dict) -> str:
    """The identity of an answer across versions: its path, with a row's position replaced by its row id.

    A row without a valid id (documents from before row ids existed) is identified by its position,
    as the version diff does; a row's first id is its position, so both agree.
    """
    row_id = item.get(ROW_ID)
    if is_row_path(path) and definition.valid_row_id(row_id):
        return f"{path.rsplit('/', 1)[0]}/{row_id}"
    return path


def latest_claims(versions: Iterable[ResponseVersion]) -> dict[str, str]:
    """The tier of each answer's latest submitted claim, by `answer_key`, across the given versions."""
    latest: dict[str, str] = {}
    for version in sorted(versions, key=lambda v: v.number):
        for path, _title, item in answer_items(version.answers):
            latest[answer_key(path, item)] = item.get("tier", "")
    return latest


def claims(version: ResponseVersion) -> list[Claim]:
    """The confidentiality claims a version makes, for the official to decide."""
    return [
        Claim(path, title, item.get("tier", ""), item.get("reason", ""))
        for path, title, item in answer_items(version.answers)
        if item.get("tier") != Tier.PUBLIC
    ]


def _strip(item: dict) -> dict:
    return {key: value for key, value in item.items() if key not in (*CONFIDENTIALITY_KEYS, ROW_ID)}


def public_answers(version: ResponseVersion, versions: Iterable[ResponseVersion] | None = None) -> dict:
    """What of a submitted version the public may see.

    An answer is public only when the developer marked it "public" in this version **and** its latest
    submitted claim, across every version of the request, is "public": a row claimed trade secret in
    version 2 is withheld in version 1 too. A claim of confidentiality holds whatever its decision: a
    rejected claim asks the developer to justify it or resubmit the answer as public in a new version,
    because a trade secret published by mistake cannot be taken back. Anything else (a missing or
    unknown tier included) is withheld. A row inside a withheld block is withheld with it. Tiers,
    reasons and row ids are never part of the result; `withheld` lists the paths left out, without
    their content.

    `versions` are the request's submitted versions (all of them); read from the database when omitted.
    """
    answers = version.answers
    if versions is None:
        versions = ResponseVersion.objects.filter(request_id=version.request_id).only("number", "answers")
    latest = latest_claims(versions)

    def shown(path: str, item: dict) -> bool:
        return item.get("tier") == Tier.PUBLIC and latest.get(answer_key(path, item), Tier.PUBLIC) == Tier.PUBLIC

    result: dict = {"version": version.number}
    withheld: list[str] = []
    for section in Section:
        value = answers.get(section.value)
        key = section.value
        if isinstance(value, dict):
            if not shown(key, value):
                withheld.append(key)
                continue
            block = {}
            nested = _nested_key(key)
            for name, field_value in _strip(value).items():
                if name == nested and isinstance(field_value, list):
                    rows = []
                    for index, row in enumerate(field_value):
                        path = f"{key}/{name}/{index}"
                        if isinstance(row, dict) and shown(path, row):
                            rows.append(_strip(row))
                        else:
                            withheld.append(path)
                    block[name] = rows
                else:
                    block[name] = field_value
            result[key] = block
        elif isinstance(value, list):
            rows = []
            for index, row in enumerate(value):
                path = f"{key}/{index}"
                if isinstance(row, dict) and shown(path, row):
                    rows.append(_strip(row))
                else:
                    withheld.append(path)
            result[key] = rows
    questions = {}
    for position, answer in (answers.get("questions") or {}).items():
        path = f"questions/{position}"
        if isinstance(answer, dict) and shown(path, answer):
            questions[position] = _strip(answer)
        else:
            withheld.append(path)
    if questions:
        result["questions"] = questions
    files = []
    for attachment in answers.get("attachments") or []:
        path = f"attachments/{attachment.get('id')}"
        if shown(path, attachment):
            files.append(_strip(attachment))
        else:
            withheld.append(path)
    if files:
        result["attachments"] = files
    result["withheld"] = withheld
    return result


def public_declared_sources() -> QuerySet[DeclaredSource]:
    """Declared sources the public may search: the rule of `public_answers`, in SQL.

    The row's own tier and the tier of its latest claim (the same `row_key` in the request's newest
    version that has it) must both be public; `sources` has no enclosing block that could withhold it.
    """
    latest_tier = Subquery(
        DeclaredSource.objects.filter(request=OuterRef("request"), row_key=OuterRef("row_key"))
        .order_by("-version__number")
        .values("tier")[:1]
    )
    return (
        DeclaredSource.objects.filter(tier=Tier.PUBLIC)
        .annotate(latest_tier=latest_tier)
        .filter(latest_tier=Tier.PUBLIC)
        .select_related("version__request")
    )


def versions_of(request: DisclosureRequest) -> QuerySet[ResponseVersion]:
    """The submitted versions of a request already scoped by `get_request_for` (both parties see them all)."""
    return request.response_versions.select_related("submitted_by").order_by("number")


def get_version(request: DisclosureRequest, number: int) -> ResponseVersion:
    try:
        return versions_of(request).get(number=number)
    except ResponseVersion.DoesNotExist:
        raise Http404 from None


def get_attachment_for(user: User, request: DisclosureRequest, attachment_id) -> Attachment:
    """A file of a request the user can see: the developer's own files; the ministry only submitted ones."""
    files = request.attachments.all()
    if user.role in MINISTRY:
        files = files.filter(submitted_in__isnull=False)
    try:
        return files.get(public_id=attachment_id)
    except (Attachment.DoesNotExist, ValueError):
        raise Http404 from None


def draft_attachments(request: DisclosureRequest) -> QuerySet[Attachment]:
    return request.attachments.filter(in_draft=True)


@dataclass(frozen=True)
class MinistryNote:
    """What the ministry said about one answer: a clarification comment, or the rejection of its claim.

    `section` is the workspace section the answer is edited in ("sources", "q2", "attachments").
    """

    path: str
    title: str
    section: str
    text: str
    rejected_claim: bool = False


def _section_of(path: str) -> str:
    parts = path.split("/")
    return f"q{parts[1]}" if parts[0] == "questions" and len(parts) > 1 else parts[0]


def ministry_notes(request: DisclosureRequest) -> list[MinistryNote]:
    """The latest clarification request's comments and the latest version's rejected claims, in form order.

    Each note names its answer as the version it was made on titles it ("Source 3"), so a developer finds
    it in the section that edits it.
    """
    versions = {v.number: v for v in request.response_versions.all()}
    if not versions:
        return []
    notes: list[MinistryNote] = []
    event = (
        AuditEvent.objects.filter(request=request, action=Action.REQUEST_CLARIFICATION).order_by("-created_at", "-id")
    ).first()
    comments = {str(p): str(t) for p, t in ((event.data.get("comments") or {}) if event else {}).items() if t}
    commented = versions.get(event.data.get("version")) if event else None
    latest = versions[max(versions)]
    rejected = {
        d.answer_path: d.reason
        for d in latest.confidentiality_decisions.filter(decision=ConfidentialityDecision.Decision.REJECTED)
    }
    for version, said, is_rejection in ((commented or latest, comments, False), (latest, rejected, True)):
        if not said:
            continue
        titles = {path: title for path, title, _item in answer_items(version.answers)}
        notes += [
            MinistryNote(path, titles.get(path, path), _section_of(path), text, is_rejection)
            for path, text in said.items()
        ]
    order = {path: n for n, (path, _t, _i) in enumerate(answer_items(latest.answers))}
    return sorted(notes, key=lambda note: (order.get(note.path, len(order)), note.rejected_claim))


@dataclass(frozen=True)
class DiffRow:
    path: str
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _labels() -> dict[str, str]:
    """Each field name's label, from the definition (the first model that has the name gives it)."""
    labels: dict[str, str] = {}
    for model in [
        *definition.SECTION_BLOCKS.values(),
        *definition.SECTION_ROWS.values(),
        *(row for _key, row in definition.NESTED_ROWS.values()),
        definition.QuestionAnswer,
    ]:
        for name, spec in model.specs().items():
            labels.setdefault(name, str(spec.label))
    return labels


def flatten(answers: dict) -> dict[str, str]:
    """Each scalar answer by path, e.g. "sources/0.name", as it is shown (nested rows by their own path)."""
    flat: dict[str, str] = {}
    for path, _title, item in answer_items(answers):
        nested = _nested_key(path)
        model = None if path.startswith("attachments/") else definition.model_for(path)
        specs = model.specs() if model is not None else {}
        for name, value in item.items():
            if name in (ROW_ID, nested):
                continue
            if path.startswith("attachments/") and name not in ("name", "sha256", "tier", "reason", "description"):
                continue
            if name == "tier" and value in Tier.values:
                flat[f"{path}.{name}"] = str(Tier(value).label)
            else:
                flat[f"{path}.{name}"] = display_value(value, specs.get(name), name)
    return flat


def compare(old: ResponseVersion, new: ResponseVersion) -> list[DiffRow]:
    """Every answer of two versions side by side, in order; `changed` marks what differs."""
    return compare_documents(old.answers, new.answers)


def compare_documents(old: dict, new: dict) -> list[DiffRow]:
    labels = _labels()
    before, after = flatten(old), flatten(new)
    paths = list(before)
    paths += [p for p in after if p not in before]
    return [
        DiffRow(path, labels.get(path.rsplit(".", 1)[-1], path), before.get(path, ""), after.get(path, ""))
        for path in paths
    ]


def changed_paths(old: ResponseVersion, new: ResponseVersion) -> set[str]:
    return {row.path for row in compare(old, new) if row.changed}


ATTACHMENT_LABELS = {
    "name": gettext_lazy("File name"),
    "description": gettext_lazy("Description of the file"),
    "size": gettext_lazy("File size"),
    "sha256": "SHA-256",
}


def list_separator() -> str:
    """How a list reads in the active language: 「A、B」 in Japanese, "A, B" otherwise."""
    return "、" if (get_language() or "").startswith("ja") else ", "


def join_list(items) -> str:
    return list_separator().join(str(item) for item in items)


def form_for(path: str):
    """The answer page's form whose fields an answer path holds ("sources/0", "takedown/channels/1")."""
    from disclosures.forms import answers as answer_forms

    model = definition.model_for(path)
    return answer_forms.FORMS_BY_MODEL.get(model) if model is not None else None


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def display_value(value, spec: definition.Spec | None = None, name: str = "") -> str:
    """An answer as a reader reads it: choice labels, はい/いいえ, joined lists; "" when unanswered."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return join_list(display_value(item, spec, name) for item in value)
    if isinstance(value, dict):
        return join_list(display_value(item) for item in value.values() if item not in (None, "", []))
    if spec is not None and spec.choices:
        labels = {str(code): str(label) for code, label in spec.choices}
        return labels.get(str(value), str(value))
    if isinstance(value, int | float):
        return f"{_number(value)}%" if name.endswith("_percent") else _number(value)
    return str(value)


@dataclass(frozen=True)
class ReadableAnswer:
    """One answer as a reader sees it: its fields with their labels, and its confidentiality claim.

    `group` is the section key, "questions/<n>" or "attachments"; `level` 2 for a block, 3 for a row.
    """

    path: str
    title: str
    tier: str
    reason: str
    fields: list[tuple[str, str]]
    group: str = ""
    level: int = 2
    text: str = ""

    @property
    def anchor(self) -> str:
        return "answer-" + self.path.replace("/", "-")

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label) if self.tier in Tier.values else self.tier

    @property
    def is_claim(self) -> bool:
        return self.tier != Tier.PUBLIC


def answer_group(path: str) -> str:
    """What an answer path belongs to on the page: its section, its question or the attachments."""
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0] == "questions" else parts[0]


def _fields(path: str, item: dict) -> list[tuple[str, str]]:
    if path.startswith("attachments/"):
        return [
            (str(label), filesizeformat(item.get(name)) if name == "size" else display_value(item.get(name)))
            for name, label in ATTACHMENT_LABELS.items()
            if name in item
        ]
    model = definition.model_for(path)
    known = model.specs() if model else {}
    nested = _nested_key(path)
    fields = []
    for name, value in item.items():
        if name in (*CONFIDENTIALITY_KEYS, ROW_ID, "id", "content_type"):
            continue
        if name == nested:
            continue  # rows, shown after their block
        spec = known.get(name)
        shown = display_value(value, spec, name)
        if name.endswith("_other") and not shown:
            continue  # only says what "other" means when it was chosen
        label = str(spec.label) if spec is not None else str(name).replace("_", " ").strip().capitalize()
        fields.append((label, shown))
    return fields


def question_texts(request: DisclosureRequest) -> dict[str, str]:
    """The free questions of a request by position, to show each answer under its question."""
    return {str(q.position): q.text for q in request.questions.all()}


def readable(answers: dict, *, questions: dict | None = None) -> list[ReadableAnswer]:
    """A document as labelled answers in the active language, in the order of the form (rows after their block).

    `questions` maps a question's position to its text, shown with the answer. The HTML version pages
    and the PDF records both lay out this list.
    """
    questions = {str(k): str(v) for k, v in (questions or {}).items()}
    result = []
    for path, title, item in answer_items(answers):
        group = answer_group(path)
        level = 2 if path == group else 3
        text = questions.get(path.split("/", 1)[1], "") if path.startswith("questions/") else ""
        result.append(
            ReadableAnswer(
                path, title, item.get("tier", ""), item.get("reason", ""), _fields(path, item), group, level, text
            )
        )
    return result
