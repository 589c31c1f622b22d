"""The answer document as typed models: the single definition of its shape, types, ranges and rules.

Every block and row is an `Answer` with its own confidentiality tier and reason; rows carry a stable
`row_id`. Parsing (pydantic) checks types, ranges and domains, which is all a draft needs; `checks()`
adds, for a submission, what must be answered and the rules between fields. Each field's `Spec` (in its
`Annotated` metadata) carries the label, help text and vocabulary the forms, the record pages, the
spreadsheet import and docs/answer-schema.json read.
"""

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from django import forms as django_forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from disclosures.answer import vocabularies as v
from disclosures.answer.guards import is_valid_text
from disclosures.models import Section, Tier

SCHEMA_VERSION = 1
ROW_ID = "row_id"
ROW_ID_PATTERN = r"[A-Za-z0-9_-]{1,40}"
CONFIDENTIALITY = ("tier", "reason")


@dataclass(frozen=True)
class Spec:
    """What a field is, for every reader: its kind, label, help text, vocabulary and limits.

    `kind` is one of line, text, email, url, lines, date, number, integer, choice, multi, bool, hidden.
    `rows` is the height of a text box on the page; `item` checks and normalises each item of a list.
    """

    kind: str
    label: Any
    help_text: Any = ""
    choices: tuple = ()
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    rows: int = 3
    item: Callable[[str], str] | None = None
    required_on_submit: bool = False
    # Whether the page offers "—" for a single choice (the confidentiality tier always has a value).
    blank: bool = True


def _error(kind: str, message, **context) -> PydanticCustomError:
    # The message is rendered later in the reader's language (validation.message_for); the English text
    # here is what pydantic shows when the error is printed.
    return PydanticCustomError(kind, str(message), context)


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        raise _error("text_type", "Enter text.")
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise _error("text_type", "Enter text.")
    if not is_valid_text(value):
        raise _error("invalid_text", "Not valid Unicode.")
    return value.strip()


def _max_length(limit: int):
    def check(value: str) -> str:
        if len(value) > limit:
            raise _error("max_length", "Too long.", limit_value=limit, show_value=len(value))
        return value

    return check


def _as_lines(value):
    """One item per line or comma, as the page's text box takes them; a list is split the same way."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str | int | float) for item in value):
        raise _error("list_type", "Enter a list of texts.")
    texts = [str(item) for item in value]
    if not all(is_valid_text(text) for text in texts):
        raise _error("invalid_text", "Not valid Unicode.")
    parts = [part.strip() for text in texts for line in text.splitlines() for part in line.split(",")]
    return [part for part in parts if part]


def _items(check: Callable[[str], str]):
    def validate(values: list[str]) -> list[str]:
        cleaned, bad = [], []
        for value in values:
            try:
                cleaned.append(check(value))
            except ValueError:
                bad.append(value)
        if bad:
            raise _error("invalid_item", "Not valid.", items=", ".join(bad))
        return cleaned

    return validate


def _as_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise _error("date_type", "Enter a valid date.")
    value = value.strip()
    return None if value == "" else value


def _as_number(value):
    if isinstance(value, bool):
        raise _error("number_type", "Enter a number.")
    if isinstance(value, str):
        value = value.strip()
    return None if value == "" else value


def _as_bool(value):
    # A checkbox posts "on"; a document may say true/false, or the strings Django's BooleanField reads.
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "0", "off", "no")
    return bool(value)


def _choice_check(choices, *, allow_blank: bool):
    codes = {str(code) for code, _label in choices}

    def check(value):
        if value in (None, "") and allow_blank:
            return ""
        if not isinstance(value, str) or value not in codes:
            raise _error("invalid_choice", "Not one of the choices.", value=str(value))
        return value

    return check


def _multi_check(choices):
    codes = {str(code) for code, _label in choices}

    def check(value):
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise _error("list_type", "Enter a list of choices.")
        for item in value:
            if not isinstance(item, str) or item not in codes:
                raise _error("invalid_choice", "Not one of the choices.", value=str(item))
        return list(value)

    return check


def _django_field(field: django_forms.Field, kind: str):
    """Django's own parser for e-mail addresses and URLs, so the page and a document accept the same."""

    def check(value: str) -> str:
        if value == "":
            return ""
        try:
            return field.clean(value)
        except DjangoValidationError:
            raise _error(kind, "Not valid.") from None

    return check


def _schema_extra(spec: Spec):
    def extra(schema: dict) -> None:
        schema["title"] = str(spec.label)
        if spec.help_text:
            schema["description"] = str(spec.help_text)
        if spec.required_on_submit:
            schema["x-required-on-submit"] = True
        if spec.kind in ("choice", "multi"):
            codes = [str(code) for code, _label in spec.choices]
            if spec.kind == "choice" and "" not in codes:
                codes = ["", *codes]
            target = schema.setdefault("items", {}) if spec.kind == "multi" else schema
            target["enum"] = codes

    return extra


def field(spec: Spec):
    """The annotated type of a field of `spec`'s kind: its parser, its checks and its metadata."""
    info = Field(json_schema_extra=_schema_extra(spec))
    kind = spec.kind
    if kind in ("line", "text", "email", "url", "hidden"):
        checks = [BeforeValidator(_as_text)]
        if spec.max_length:
            checks.append(AfterValidator(_max_length(spec.max_length)))
        if kind == "email":
            checks.append(AfterValidator(_django_field(django_forms.EmailField(), "email")))
        if kind == "url":
            checks.append(AfterValidator(_django_field(django_forms.URLField(assume_scheme="https"), "url")))
        return Annotated[str, *checks, info, spec]
    if kind == "lines":
        checks = [BeforeValidator(_as_lines)]
        if spec.item is not None:
            checks.append(AfterValidator(_items(spec.item)))
        return Annotated[list[str], *checks, info, spec]
    if kind == "date":
        return Annotated[datetime.date | None, BeforeValidator(_as_date), info, spec]
    if kind in ("number", "integer"):
        limits = {"ge": spec.minimum, "le": spec.maximum}
        bounds = Field(**{k: val for k, val in limits.items() if val is not None})
        base = int if kind == "integer" else float
        bounded = Annotated[base, bounds]
        return Annotated[bounded | None, BeforeValidator(_as_number), info, spec]
    if kind == "choice":
        return Annotated[str, BeforeValidator(_choice_check(spec.choices, allow_blank=True)), info, spec]
    if kind == "multi":
        return Annotated[list[str], BeforeValidator(_multi_check(spec.choices)), info, spec]
    if kind == "bool":
        return Annotated[bool, BeforeValidator(_as_bool), info, spec]
    raise ValueError(kind)


# Formatted when read, so the unit is in the reader's language.
_unit_help = lazy(lambda unit: _("Unit: %(unit)s") % {"unit": unit}, str)


def line(label, help_text="", *, max_length=300, required=False):
    return field(Spec("line", label, help_text, max_length=max_length, required_on_submit=required))


def text(label, help_text="", *, rows=3, max_length=5000, required=False):
    return field(Spec("text", label, help_text, max_length=max_length, rows=rows, required_on_submit=required))


def lines(label, help_text="", *, item=None, required=False):
    return field(Spec("lines", label, help_text, item=item, required_on_submit=required))


def date(label, help_text="", *, required=False):
    return field(Spec("date", label, help_text, required_on_submit=required))


def number(label, unit, *, maximum=None, integer=False, help_text="", required=False):
    help_text = help_text or _unit_help(unit)
    kind = "integer" if integer else "number"
    return field(Spec(kind, label, help_text, minimum=0, maximum=maximum, required_on_submit=required))


def choice(label, choices, help_text="", *, required=False):
    return field(Spec("choice", label, help_text, choices=tuple(choices), required_on_submit=required))


def multi(label, choices, help_text="", *, required=False):
    return field(Spec("multi", label, help_text, choices=tuple(choices), required_on_submit=required))


def is_empty(value) -> bool:
    """Whether a value is unanswered (0 is an answer; an unticked box is not)."""
    return value is None or value is False or value == "" or value == []


class Answer(BaseModel):
    """A block of answers with its confidentiality claim.

    `other_text` pairs a choice with the text that must say what "other" means; `date_ranges` pairs
    dates that may not run backwards. `checks(strict)` gives (field, message) for every rule broken.
    """

    model_config = ConfigDict(extra="forbid", validate_default=False)

    tier: field(
        Spec(
            "choice",
            _("Confidentiality"),
            _("Until an official decides on a claim, it holds."),
            choices=tuple(Tier.choices),
            blank=False,
        )
    ) = Tier.PUBLIC.value
    reason: field(
        Spec(
            "text",
            _("Reason for confidentiality"),
            _("Required when the answer is not public: why would disclosure cause harm?"),
            max_length=2000,
            rows=2,
        )
    ) = ""

    other_text: ClassVar[dict[str, str]] = {}
    date_ranges: ClassVar[tuple[tuple[str, str], ...]] = ()

    @classmethod
    def spec(cls, name: str) -> Spec | None:
        info = cls.model_fields.get(name)
        return next((item for item in info.metadata if isinstance(item, Spec)), None) if info else None

    @classmethod
    def specs(cls) -> dict[str, Spec]:
        """Every field with its spec, in the order of the form (confidentiality first)."""
        return {name: spec for name in cls.model_fields if (spec := cls.spec(name)) is not None}

    @classmethod
    def content_fields(cls) -> list[str]:
        return [name for name in cls.specs() if name not in (*CONFIDENTIALITY, ROW_ID)]

    def checks(self, strict: bool) -> list[tuple[str, Any]]:
        found = []
        for first, last in self.date_ranges:
            start, end = getattr(self, first), getattr(self, last)
            if start and end and end < start:
                found.append((last, _("This date is before %(other)s.") % {"other": self.spec(first).label}))
        if not strict:
            return found
        if is_empty(self.tier):
            found.append(("tier", REQUIRED))
        for name, spec in self.specs().items():
            if spec.required_on_submit and is_empty(getattr(self, name)):
                found.append((name, REQUIRED))
        for choice_field, text_field in self.other_text.items():
            value = getattr(self, choice_field)
            chosen = value if isinstance(value, list) else [value]
            if v.OTHER in chosen and not getattr(self, text_field).strip():
                found.append((text_field, _('Describe what "other" means here.')))
        if self.tier and self.tier != Tier.PUBLIC and not self.reason.strip():
            found.append(("reason", _("Give the reason this answer should not be public.")))
        return found


# Django's own msgid, so its Japanese translation applies.
REQUIRED = _("This field is required.")


def _unit_checks(answer: Answer, size: str, unit: str) -> list[tuple[str, Any]]:
    if getattr(answer, size) is not None and not getattr(answer, unit):
        return [(unit, _("Give the unit of the size."))]
    return []


class Row(Answer):
    """One row of a list (a source, an output filter, a complaint channel), with its stable row id.

    The id keeps a claim on its row when rows are reordered or removed (selectors.answers.answer_key).
    """

    row_id: field(
        Spec(
            "hidden",
            _("Row id"),
            "The row's identity across versions, kept when rows are reordered; a confidentiality claim follows it "
            "(an imported row without one takes the id of the draft's row at the same position).",
            max_length=40,
        )
    ) = ""


def valid_row_id(value) -> bool:
    return isinstance(value, str) and re.fullmatch(ROW_ID_PATTERN, value) is not None


def assign_row_ids(rows: list[dict]) -> list[dict]:
    """Give every row a unique row id: its own when valid and unique, else its position, else a new one."""
    taken: set[str] = set()
    for row in rows:
        if valid_row_id(row.get(ROW_ID)) and row[ROW_ID] not in taken:
            taken.add(row[ROW_ID])
        else:
            row[ROW_ID] = None
    for index, row in enumerate(rows):
        if row[ROW_ID] is None:
            row[ROW_ID] = str(index) if str(index) not in taken else uuid.uuid4().hex
            taken.add(row[ROW_ID])
    return rows


class ProviderAnswer(Answer):
    """Provider and model (EU template section 1, general information)."""

    legal_name: line(
        _("Legal name of the provider"), _("As registered, e.g. 株式会社クモ / Kumo K.K."), required=True
    ) = ""
    contact_in_japan: text(
        _("Contact in Japan"),
        _("Name, postal address and telephone of the contact point in Japan."),
        rows=2,
        required=True,
    ) = ""
    contact_email: field(Spec("email", _("Contact email"), max_length=320, required_on_submit=True)) = ""
    model_names: lines(_("Model names and versions"), _("One per line, e.g. Kumo Video 2.1."), required=True) = []
    base_models: lines(_("Base models"), _("Models this one was built on, one per line.")) = []
    release_date: date(_("Release date"), required=True) = None
    japan_offer_date: date(_("Date first offered in Japan")) = None
    channels: multi(_("Distribution channels"), v.CHANNELS, required=True) = []
    channels_other: line(_("Other channels")) = ""
    acceptable_use_policy_url: field(Spec("url", _("Acceptable-use policy (URL)"), max_length=2000)) = ""

    other_text: ClassVar = {"channels": "channels_other"}
    date_ranges: ClassVar = (("release_date", "japan_offer_date"),)


class TrainingDataAnswer(Answer):
    """Training data overview (EU template section 2.1: modalities, size, latest collection date)."""

    modalities: multi(_("Modalities"), v.MODALITIES, required=True) = []
    modalities_other: line(_("Other modalities")) = ""
    total_size: number(_("Total size of the training data"), _("see the unit below")) = None
    size_unit: choice(_("Unit of the total size"), v.SIZE_UNITS) = ""
    size_range: line(
        _("Size range per modality"), _("E.g. text: 1–10 trillion tokens; images: 100–500 million."), max_length=1000
    ) = ""
    content_types: multi(
        _("Content types"), v.CONTENT_TYPES, _("Including anime, manga, games and fan works."), required=True
    ) = []
    content_types_other: line(_("Other content types")) = ""
    latest_collection_date: date(_("Latest data collection date"), required=True) = None
    japanese_share_percent: number(_("Share of Japanese-language data"), "%", maximum=100, required=True) = None

    other_text: ClassVar = {"modalities": "modalities_other", "content_types": "content_types_other"}

    def checks(self, strict: bool) -> list[tuple[str, Any]]:
        return [*super().checks(strict), *_unit_checks(self, "total_size", "size_unit")]


class SourceRow(Row):
    """One dataset or source (EU template section 2.2–2.7 and section 3, rights reservations)."""

    name: line(_("Name of the dataset or source"), required=True) = ""
    kind: choice(_("Kind of source"), v.SOURCE_KINDS, required=True) = ""
    kind_other: line(_("Other kind")) = ""
    modality: choice(_("Modality"), v.MODALITIES, required=True) = ""
    size: number(_("Size"), _("see the unit below")) = None
    size_unit: choice(_("Unit of the size"), v.SIZE_UNITS) = ""
    collection_start: date(_("Collection started")) = None
    collection_end: date(_("Collection ended")) = None
    top_domains: lines(
        _("Top domains"),
        _("Domain names, one per line, e.g. example.jp (no https:// or paths)."),
        item=v.normalise_domain,
    ) = []
    languages: lines(_("Languages"), _("Language codes, e.g. ja, en."), item=v.normalise_language) = []
    consent_basis: choice(_("Consent basis"), v.CONSENT_BASES, required=True) = ""
    licence_grantor: line(_("Licence grantor")) = ""
    licence_scope: text(_("Licence scope"), rows=2) = ""
    licence_start: date(_("Licence start")) = None
    licence_end: date(_("Licence end")) = None
    reservations_honoured: multi(
        _("Rights reservations honoured"),
        v.RESERVATION_PROTOCOLS,
        _("Machine-readable opt-outs the crawler respected."),
    ) = []
    reservations_other: line(_("Other reservation mechanisms")) = ""
    rights_holders: lines(_("Named rights holders"), _("One per line.")) = []
    licence_evidence: text(_("Licence evidence"), _("Contracts, licence identifiers or attachments."), rows=2) = ""
    japanese_anime_manga: choice(_("Includes Japanese anime or manga of named rights holders"), v.YES_NO_UNKNOWN) = ""
    targeted_fine_tuning: text(
        _("Fine-tuning aimed at particular works or creators"), _("Describe it, or leave empty if none."), rows=2
    ) = ""
    piracy_removal: text(
        _("Removal of pirated or illegal content before training"), _("How it was found and removed."), rows=2
    ) = ""

    other_text: ClassVar = {"kind": "kind_other", "reservations_honoured": "reservations_other"}
    date_ranges: ClassVar = (("collection_start", "collection_end"), ("licence_start", "licence_end"))

    def checks(self, strict: bool) -> list[tuple[str, Any]]:
        found = [*super().checks(strict), *_unit_checks(self, "size", "size_unit")]
        if strict and self.consent_basis == "opt_in_licence":
            for name in ("licence_grantor", "licence_scope", "licence_start"):
                if is_empty(getattr(self, name)):
                    found.append((name, _("Required for an opt-in licence.")))
        return found


class OutputFilterRow(Row):
    """One output safeguard, with how it was evaluated."""

    kind: choice(_("Kind of safeguard"), v.FILTER_KINDS, required=True) = ""
    kind_other: line(_("Other kind")) = ""
    blocks: text(_("What it blocks"), rows=2, required=True) = ""
    pipeline_stage: choice(_("Where in the pipeline"), v.PIPELINE_STAGES, required=True) = ""
    live_since: date(_("Live since"), required=True) = None
    evaluation: text(_("How it was evaluated"), rows=2) = ""
    block_rate_percent: number(_("Block rate"), "%", maximum=100) = None
    miss_rate_percent: number(_("Miss rate"), "%", maximum=100) = None
    test_set: line(_("Test set"), _("Name and size of the evaluation set.")) = ""
    evaluated_on: date(_("Date of the evaluation")) = None

    other_text: ClassVar = {"kind": "kind_other"}


class ComplaintChannelRow(Row):
    """One way to reach the takedown contact point."""

    kind: choice(_("Kind of channel"), v.CHANNEL_KINDS, required=True) = ""
    kind_other: line(_("Other kind")) = ""
    address: line(_("Address, URL or number"), max_length=500, required=True) = ""
    languages: lines(_("Languages"), _("Language codes, e.g. ja, en."), item=v.normalise_language) = []

    other_text: ClassVar = {"kind": "kind_other"}


class TakedownAnswer(Answer):
    """Takedown and complaints, with the complaint channels as rows."""

    contact_point_ja: text(_("Japanese-language contact point"), rows=2, required=True) = ""
    complaint_contents: text(_("What a complaint must contain"), rows=2, required=True) = ""
    steps: text(_("Steps of handling a complaint"), rows=3, required=True) = ""
    target_days: number(_("Target time to handle a complaint"), _("days"), required=True) = None
    achieved_median_days: number(_("Median time achieved"), _("days")) = None
    period_start: date(_("Reporting period start")) = None
    period_end: date(_("Reporting period end")) = None
    received: number(_("Complaints received in the period"), _("complaints"), integer=True) = None
    upheld: number(_("Complaints upheld"), _("complaints"), integer=True) = None
    rejected: number(_("Complaints rejected"), _("complaints"), integer=True) = None
    model_measures: multi(_("What happens to the model"), v.MODEL_MEASURES, required=True) = []
    model_measures_other: line(_("Other measures")) = ""
    appeals: text(_("Appeals"), rows=2) = ""
    record_keeping: text(_("Record keeping"), rows=2) = ""
    channels: list[ComplaintChannelRow] = []

    other_text: ClassVar = {"model_measures": "model_measures_other"}
    date_ranges: ClassVar = (("period_start", "period_end"),)

    def checks(self, strict: bool) -> list[tuple[str, Any]]:
        found = super().checks(strict)
        if self.received is not None and (self.upheld or 0) + (self.rejected or 0) > self.received:
            found.append(("received", _("Upheld and rejected complaints cannot outnumber those received.")))
        return found


class GovernanceAnswer(Answer):
    """Copyright policy, the responsible officer's attestation and what changed."""

    copyright_policy: text(
        _("Copyright policy"), _("Summary of the policy, or where it is published."), rows=4, required=True
    ) = ""
    copyright_policy_url: field(Spec("url", _("Copyright policy (URL)"), max_length=2000)) = ""
    officer_name: line(_("Responsible officer"), required=True) = ""
    officer_title: line(_("Title of the responsible officer")) = ""
    attestation: field(
        Spec(
            "bool",
            _("The responsible officer attests that these answers are true and complete"),
            required_on_submit=True,
        )
    ) = False
    changes_since_last: text(_("Changes since the last version"), rows=3) = ""


class QuestionAnswer(Answer):
    """The answer to one free question of the request."""

    answer: text(_("Answer"), rows=5, max_length=20000, required=True) = ""


class AttachmentEntry(BaseModel):
    """A file submitted with a version (set by the portal at submission, never imported)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"readOnly": True})

    id: str
    name: str
    content_type: str
    size: int
    sha256: str
    description: str = ""
    tier: str = Tier.PUBLIC
    reason: str = ""


class AnswerDocument(BaseModel):
    """The whole answer: the sections a request asks and the answers to its free questions.

    `questions` is keyed by the question's position ("1", "2", ...). A submitted version also holds
    `attachments` (`AttachmentEntry`), added by the portal; they are not part of an imported document.
    """

    model_config = ConfigDict(
        extra="forbid",
        title="Article 16 structured answer",
    )

    schema_: str = Field("article16-answer", alias="schema", json_schema_extra={"const": "article16-answer"})
    schema_version: int = Field(SCHEMA_VERSION, json_schema_extra={"const": SCHEMA_VERSION})
    provider: ProviderAnswer = Field(default_factory=ProviderAnswer)
    training_data: TrainingDataAnswer = Field(default_factory=TrainingDataAnswer)
    sources: list[SourceRow] = []
    output_filters: list[OutputFilterRow] = []
    takedown: TakedownAnswer = Field(default_factory=TakedownAnswer)
    governance: GovernanceAnswer = Field(default_factory=GovernanceAnswer)
    questions: dict[str, QuestionAnswer] = {}


# Section key -> the model of its block, or of each of its rows.
SECTION_BLOCKS: dict[str, type[Answer]] = {
    Section.PROVIDER: ProviderAnswer,
    Section.TRAINING_DATA: TrainingDataAnswer,
    Section.TAKEDOWN: TakedownAnswer,
    Section.GOVERNANCE: GovernanceAnswer,
}
SECTION_ROWS: dict[str, type[Row]] = {
    Section.SOURCES: SourceRow,
    Section.OUTPUT_FILTERS: OutputFilterRow,
}
# Rows nested in a block: section -> (key in the block, row model).
NESTED_ROWS: dict[str, tuple[str, type[Row]]] = {Section.TAKEDOWN: ("channels", ComplaintChannelRow)}
# Lists that must hold at least one row on submission.
MIN_ROWS = 1


def model_for(path: str) -> type[Answer] | None:
    """The model whose fields an answer path holds ("sources/0", "takedown/channels/1", "questions/2")."""
    parts = path.split("/")
    if parts[0] == "questions":
        return QuestionAnswer
    if len(parts) == 1:
        return SECTION_BLOCKS.get(parts[0])
    if len(parts) == 2 and parts[0] in SECTION_ROWS:
        return SECTION_ROWS[parts[0]]
    nested = NESTED_ROWS.get(parts[0])
    if len(parts) == 3 and nested and nested[0] == parts[1]:
        return nested[1]
    return None
