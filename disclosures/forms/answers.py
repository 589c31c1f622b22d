"""The structured answer: one form per section, formsets for repeatable rows, and the JSON document they fill.

Drafts are saved with `strict=False`: types, ranges and domain names are checked, nothing is required, so
a half-typed answer can always be kept. Submission validates the same document with `strict=True`, which
adds what must be answered. The document shape (see docs/answer-schema.json) is:

    {"provider": {field: value, ..., "tier": ..., "reason": ...},
     "sources": [{...row..., "tier": ..., "reason": ...}, ...],
     "takedown": {..., "channels": [{...}, ...]},
     "questions": {"<position>": {"answer": ..., "tier": ..., "reason": ...}}}
"""

import contextlib
import datetime
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from disclosures.models import DisclosureRequest, Section, Tier

SCHEMA_VERSION = 1
OTHER = "other"


# Controlled vocabularies. Labels read "日本語 / English" once locale/ is compiled; msgids are English.
SOURCE_KINDS = [
    ("public_dataset", _("Public dataset")),
    ("licensed", _("Licensed data")),
    ("other_private", _("Other private data")),
    ("web_crawl", _("Web crawl")),
    ("user_content", _("User content")),
    ("synthetic", _("Synthetic data")),
    (OTHER, _("Other (describe)")),
]
MODALITIES = [
    ("text", _("Text")),
    ("image", _("Image")),
    ("video", _("Video")),
    ("audio", _("Audio")),
    ("code", _("Code")),
    (OTHER, _("Other (describe)")),
]
SIZE_UNITS = [
    ("tokens", _("tokens")),
    ("documents", _("documents")),
    ("images", _("images")),
    ("hours", _("hours of audio or video")),
    ("gb", _("gigabytes")),
    ("tb", _("terabytes")),
]
CONTENT_TYPES = [
    ("news", _("News")),
    ("books", _("Books")),
    ("academic", _("Academic papers")),
    ("web_text", _("General web text")),
    ("anime", _("Anime")),
    ("manga", _("Manga")),
    ("games", _("Games")),
    ("fan_works", _("Fan works")),
    ("illustration", _("Illustrations and art")),
    ("music", _("Music")),
    ("photos", _("Photographs")),
    (OTHER, _("Other (describe)")),
]
CONSENT_BASES = [
    ("opt_in_licence", _("Opt-in licence (name grantor, scope and dates)")),
    ("opt_out_honoured", _("Opt-out honoured")),
    ("none", _("None")),
]
RESERVATION_PROTOCOLS = [
    ("robots_txt", _("robots.txt")),
    ("tdmrep", _("TDMRep (TDM Reservation Protocol)")),
    ("ietf_aipref", _("IETF AI preferences")),
    ("c2pa_cawg", _("C2PA / CAWG assertions")),
    ("registries", _("Opt-out registries")),
    (OTHER, _("Other (describe)")),
]
YES_NO_UNKNOWN = [("", "—"), ("yes", _("Yes")), ("no", _("No")), ("unknown", _("Unknown"))]
CHANNELS = [
    ("api", _("API")),
    ("consumer_app", _("Consumer app or website")),
    ("enterprise", _("Enterprise offering")),
    ("open_weights", _("Open weights")),
    (OTHER, _("Other (describe)")),
]
FILTER_KINDS = [
    ("prompt_filter", _("Prompt filter")),
    ("output_similarity", _("Output similarity check against rights-holder reference sets")),
    ("blocklist", _("Character or franchise blocklist")),
    ("style_prompts", _('Handling of "in the style of" prompts')),
    ("provenance", _("Watermark or C2PA provenance")),
    ("human_review", _("Human review")),
    (OTHER, _("Other (describe)")),
]
PIPELINE_STAGES = [
    ("", "—"),
    ("input", _("On the prompt, before generation")),
    ("generation", _("During generation")),
    ("output", _("On the output, before delivery")),
    ("after_delivery", _("After delivery")),
]
MODEL_MEASURES = [
    ("output_block", _("Block the output")),
    ("training_removal", _("Remove from future training")),
    ("unlearning", _("Unlearning")),
    (OTHER, _("Other (describe)")),
]
CHANNEL_KINDS = [
    ("web_form", _("Web form")),
    ("email", _("Email")),
    ("postal", _("Post")),
    ("phone", _("Telephone")),
    (OTHER, _("Other (describe)")),
]

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def normalise_domain(value: str) -> str:
    """A registrable host name in lower-case ASCII (IDNA), or ValueError."""
    host = value.strip().lower().rstrip(".")
    if host.startswith("*."):
        host = host[2:]
    if "://" in host or "/" in host or " " in host:
        raise ValueError(value)
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(value) from None
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(value)
    if labels[-1].isdigit():
        raise ValueError(value)
    return host


# Deeper than any answer document (document > section > rows > row > list is five levels).
MAX_DOCUMENT_DEPTH = 32
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def is_valid_text(text: str) -> bool:
    """Whether `text` is valid Unicode: it can be written as UTF-8 (no lone surrogate such as \\ud800)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def invalid_text_message(where: str):
    return _(
        "%(where)s holds text that is not valid Unicode (a lone surrogate such as \\ud800). Correct it and try again."
    ) % {"where": _printable(where)}


def json_too_deep(text: str, limit: int = MAX_DOCUMENT_DEPTH) -> bool:
    """Whether JSON text nests objects and lists deeper than `limit` (checked before parsing, in linear time)."""
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def document_error(document) -> str | None:
    """What makes a parsed document unusable before any field is read, or None.

    Nesting deeper than an answer document can be, and text (keys or values) that is not valid Unicode,
    are refused here for every entry point; the answer forms check each field again.
    """
    stack = [(document, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DOCUMENT_DEPTH:
            return str(_("The document is nested more deeply than an answer document can be."))
        if isinstance(value, dict):
            for key, item in value.items():
                key_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not is_valid_text(key):
                    return invalid_text_message(key_path)
                stack.append((item, key_path, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str) and not is_valid_text(value):
            return invalid_text_message(path or _("The document"))
    return None


class LinesField(forms.CharField):
    """One item per line (or comma), stored as a JSON list of strings."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *, item=None, **kwargs):
        self.item = item
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        text = super().to_python(value)
        items = [part.strip() for line in text.splitlines() for part in line.split(",")]
        return [part for part in items if part]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        if self.item is None:
            return
        bad = []
        cleaned = []
        for part in value:
            try:
                cleaned.append(self.item(part))
            except ValueError:
                bad.append(part)
        if bad:
            raise forms.ValidationError(
                _("Not valid: %(items)s") % {"items": ", ".join(bad)}, code="invalid_item", params={"items": bad}
            )
        value[:] = cleaned


def _domain(value: str) -> str:
    return normalise_domain(value)


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise ValueError(value)
    return value.lower()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _number(label, unit, *, minimum=0.0, maximum=None, integer=False, help_text=""):
    validators = [MinValueValidator(minimum)]
    if maximum is not None:
        validators.append(MaxValueValidator(maximum))
    field_class = forms.IntegerField if integer else forms.FloatField
    field = field_class(
        label=label,
        required=False,
        help_text=help_text or _("Unit: %(unit)s") % {"unit": unit},
        validators=validators,
        widget=forms.NumberInput(attrs={"step": "1" if integer else "any", "min": minimum}),
    )
    return field


def _date(label, help_text=""):
    return forms.DateField(label=label, required=False, widget=DateInput, help_text=help_text)


def _text(label, help_text="", *, required=False, rows=3, max_length=5000):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _line(label, help_text="", *, required=False, max_length=300):
    return forms.CharField(label=label, help_text=help_text, required=required, max_length=max_length)


def _choice(label, choices, help_text="", *, required=False):
    return forms.ChoiceField(label=label, choices=choices, help_text=help_text, required=required)


def _multi(label, choices, help_text="", *, required=False):
    return forms.MultipleChoiceField(
        label=label, choices=choices, help_text=help_text, required=required, widget=forms.CheckboxSelectMultiple
    )


class AnswerForm(forms.Form):
    """A block of answers with its confidentiality claim; `strict` adds what submission requires."""

    tier = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Tier.choices,
        initial=Tier.PUBLIC,
        help_text=_("Until an official decides on a claim, it holds."),
    )
    reason = forms.CharField(
        label=_("Reason for confidentiality"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the answer is not public: why would disclosure cause harm?"),
    )

    # Fields that must be answered on submission.
    required_on_submit: tuple[str, ...] = ()
    # "kind" -> "kind_other": the text that must accompany "other".
    other_text: dict[str, str] = {}
    # Section name in messages and anchors.
    section_label = ""

    def __init__(self, *args, strict: bool = False, **kwargs):
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        self.strict = strict
        for name, field in self.fields.items():
            field.required = strict and (name in self.required_on_submit or name == "tier")
        self.invalid_text = self._drop_invalid_text()

    def _drop_invalid_text(self) -> list[str]:
        """Fields whose input is not valid Unicode: blanked before anything reads them, an error in clean()."""
        if not self.is_bound:
            return []
        multiple = hasattr(self.data, "getlist")
        invalid = []
        for name in self.fields:
            key = self.add_prefix(name)
            values = self.data.getlist(key) if multiple else [self.data.get(key)]
            if any(isinstance(value, str) and not is_valid_text(value) for value in values):
                invalid.append(name)
        if invalid:
            self.data = self.data.copy()
            for name in invalid:
                if multiple:
                    self.data.setlist(self.add_prefix(name), [])
                else:
                    self.data.pop(self.add_prefix(name), None)
        return invalid

    @property
    def content_fields(self) -> list[str]:
        return [name for name in self.fields if name not in ("tier", "reason", "ORDER", "DELETE")]

    def has_content(self) -> bool:
        """Whether anything was typed in the answer itself (confidentiality alone does not make a row)."""
        if self.invalid_text:
            return True
        for name in self.content_fields:
            value = self[name].value()
            if value not in (None, "", [], False):
                return True
        return False

    def has_changed(self):
        # Blank extra rows are skipped; a row starts to count once it has content.
        return self.has_content() or bool(self.data.get(self.add_prefix("DELETE")))

    def clean(self):
        data = super().clean()
        for name in self.invalid_text:
            self.add_error(name, invalid_text_message(str(self.fields[name].label)))
        for first, last in getattr(self, "date_ranges", ()):
            if data.get(first) and data.get(last) and data[last] < data[first]:
                self.add_error(last, _("This date is before %(other)s.") % {"other": self.fields[first].label})
        if not self.strict:
            return data
        for choice_field, text_field in self.other_text.items():
            value = data.get(choice_field)
            chosen = value if isinstance(value, list) else [value]
            if OTHER in chosen and not (data.get(text_field) or "").strip():
                self.add_error(text_field, _('Describe what "other" means here.'))
        if data.get("tier") and data["tier"] != Tier.PUBLIC and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason this answer should not be public."))
        return data

    def to_json(self) -> dict:
        result = {}
        for name in self.fields:
            if name in ("ORDER", "DELETE"):
                continue
            result[name] = to_json_value(self.cleaned_data.get(name), self.fields[name])
        return result


def to_json_value(value, field: forms.Field):
    if isinstance(field, forms.MultipleChoiceField | LinesField):
        return list(value or [])
    if isinstance(field, forms.BooleanField):
        return bool(value)
    if isinstance(field, forms.DateField):
        return value.isoformat() if isinstance(value, datetime.date) else None
    if isinstance(field, forms.IntegerField | forms.FloatField):
        return value
    return "" if value is None else value


class ProviderForm(AnswerForm):
    legal_name = _line(_("Legal name of the provider"), _("As registered, e.g. 株式会社クモ / Kumo K.K."))
    contact_in_japan = _text(
        _("Contact in Japan"), _("Name, postal address and telephone of the contact point in Japan."), rows=2
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    model_names = LinesField(
        label=_("Model names and versions"), required=False, help_text=_("One per line, e.g. Kumo Video 2.1.")
    )
    base_models = LinesField(
        label=_("Base models"), required=False, help_text=_("Models this one was built on, one per line.")
    )
    release_date = _date(_("Release date"))
    japan_offer_date = _date(_("Date first offered in Japan"))
    channels = _multi(_("Distribution channels"), CHANNELS)
    channels_other = _line(_("Other channels"))
    acceptable_use_policy_url = forms.URLField(
        label=_("Acceptable-use policy (URL)"), required=False, assume_scheme="https"
    )

    required_on_submit = ("legal_name", "contact_in_japan", "contact_email", "model_names", "release_date", "channels")
    other_text = {"channels": "channels_other"}
    date_ranges = (("release_date", "japan_offer_date"),)


class TrainingDataForm(AnswerForm):
    modalities = _multi(_("Modalities"), MODALITIES)
    modalities_other = _line(_("Other modalities"))
    total_size = _number(_("Total size of the training data"), _("see the unit below"))
    size_unit = _choice(_("Unit of the total size"), [("", "—"), *SIZE_UNITS])
    size_range = _line(
        _("Size range per modality"), _("E.g. text: 1–10 trillion tokens; images: 100–500 million."), max_length=1000
    )
    content_types = _multi(_("Content types"), CONTENT_TYPES, _("Including anime, manga, games and fan works."))
    content_types_other = _line(_("Other content types"))
    latest_collection_date = _date(_("Latest data collection date"))
    japanese_share_percent = _number(_("Share of Japanese-language data"), "%", maximum=100)

    required_on_submit = ("modalities", "content_types", "latest_collection_date", "japanese_share_percent")
    other_text = {"modalities": "modalities_other", "content_types": "content_types_other"}

    def clean(self):
        data = super().clean()
        if data.get("total_size") is not None and not data.get("size_unit"):
            self.add_error("size_unit", _("Give the unit of the size."))
        return data


# A row's stable identity across versions: kept by the row forms (a hidden field) and the import, so a
# claim follows its row when rows are reordered or removed (selectors.answers.answer_key).
ROW_ID = "row_id"
ROW_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")


def valid_row_id(value) -> bool:
    return isinstance(value, str) and ROW_ID_PATTERN.fullmatch(value) is not None


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


class RowForm(AnswerForm):
    """One row of a list (a source, an output filter, a complaint channel), with its stable row id."""

    row_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    @property
    def content_fields(self) -> list[str]:
        return [name for name in super().content_fields if name != ROW_ID]


class SourceForm(RowForm):
    name = _line(_("Name of the dataset or source"))
    kind = _choice(_("Kind of source"), [("", "—"), *SOURCE_KINDS])
    kind_other = _line(_("Other kind"))
    modality = _choice(_("Modality"), [("", "—"), *MODALITIES])
    size = _number(_("Size"), _("see the unit below"))
    size_unit = _choice(_("Unit of the size"), [("", "—"), *SIZE_UNITS])
    collection_start = _date(_("Collection started"))
    collection_end = _date(_("Collection ended"))
    top_domains = LinesField(
        label=_("Top domains"),
        required=False,
        item=_domain,
        help_text=_("Domain names, one per line, e.g. example.jp (no https:// or paths)."),
    )
    languages = LinesField(
        label=_("Languages"), required=False, item=_language, help_text=_("Language codes, e.g. ja, en.")
    )
    consent_basis = _choice(_("Consent basis"), [("", "—"), *CONSENT_BASES])
    licence_grantor = _line(_("Licence grantor"))
    licence_scope = _text(_("Licence scope"), rows=2)
    licence_start = _date(_("Licence start"))
    licence_end = _date(_("Licence end"))
    reservations_honoured = _multi(
        _("Rights reservations honoured"), RESERVATION_PROTOCOLS, _("Machine-readable opt-outs the crawler respected.")
    )
    reservations_other = _line(_("Other reservation mechanisms"))
    rights_holders = LinesField(label=_("Named rights holders"), required=False, help_text=_("One per line."))
    licence_evidence = _text(_("Licence evidence"), _("Contracts, licence identifiers or attachments."), rows=2)
    japanese_anime_manga = _choice(_("Includes Japanese anime or manga of named rights holders"), YES_NO_UNKNOWN)
    targeted_fine_tuning = _text(
        _("Fine-tuning aimed at particular works or creators"), _("Describe it, or leave empty if none."), rows=2
    )
    piracy_removal = _text(
        _("Removal of pirated or illegal content before training"), _("How it was found and removed."), rows=2
    )

    required_on_submit = ("name", "kind", "modality", "consent_basis")
    other_text = {"kind": "kind_other", "reservations_honoured": "reservations_other"}
    date_ranges = (("collection_start", "collection_end"), ("licence_start", "licence_end"))

    def clean(self):
        data = super().clean()
        if data.get("size") is not None and not data.get("size_unit"):
            self.add_error("size_unit", _("Give the unit of the size."))
        if self.strict and data.get("consent_basis") == "opt_in_licence":
            for name in ("licence_grantor", "licence_scope", "licence_start"):
                if not data.get(name):
                    self.add_error(name, _("Required for an opt-in licence."))
        return data


class OutputFilterForm(RowForm):
    kind = _choice(_("Kind of safeguard"), [("", "—"), *FILTER_KINDS])
    kind_other = _line(_("Other kind"))
    blocks = _text(_("What it blocks"), rows=2)
    pipeline_stage = _choice(_("Where in the pipeline"), PIPELINE_STAGES)
    live_since = _date(_("Live since"))
    evaluation = _text(_("How it was evaluated"), rows=2)
    block_rate_percent = _number(_("Block rate"), "%", maximum=100)
    miss_rate_percent = _number(_("Miss rate"), "%", maximum=100)
    test_set = _line(_("Test set"), _("Name and size of the evaluation set."))
    evaluated_on = _date(_("Date of the evaluation"))

    required_on_submit = ("kind", "blocks", "pipeline_stage", "live_since")
    other_text = {"kind": "kind_other"}


class TakedownForm(AnswerForm):
    contact_point_ja = _text(_("Japanese-language contact point"), rows=2)
    complaint_contents = _text(_("What a complaint must contain"), rows=2)
    steps = _text(_("Steps of handling a complaint"), rows=3)
    target_days = _number(_("Target time to handle a complaint"), _("days"))
    achieved_median_days = _number(_("Median time achieved"), _("days"))
    period_start = _date(_("Reporting period start"))
    period_end = _date(_("Reporting period end"))
    received = _number(_("Complaints received in the period"), _("complaints"), integer=True)
    upheld = _number(_("Complaints upheld"), _("complaints"), integer=True)
    rejected = _number(_("Complaints rejected"), _("complaints"), integer=True)
    model_measures = _multi(_("What happens to the model"), MODEL_MEASURES)
    model_measures_other = _line(_("Other measures"))
    appeals = _text(_("Appeals"), rows=2)
    record_keeping = _text(_("Record keeping"), rows=2)

    required_on_submit = ("contact_point_ja", "complaint_contents", "steps", "target_days", "model_measures")
    other_text = {"model_measures": "model_measures_other"}
    date_ranges = (("period_start", "period_end"),)

    def clean(self):
        data = super().clean()
        received, upheld, rejected = data.get("received"), data.get("upheld"), data.get("rejected")
        if received is not None and (upheld or 0) + (rejected or 0) > received:
            self.add_error("received", _("Upheld and rejected complaints cannot outnumber those received."))
        return data


class ComplaintChannelForm(RowForm):
    kind = _choice(_("Kind of channel"), [("", "—"), *CHANNEL_KINDS])
    kind_other = _line(_("Other kind"))
    address = _line(_("Address, URL or number"), max_length=500)
    languages = LinesField(
        label=_("Languages"), required=False, item=_language, help_text=_("Language codes, e.g. ja, en.")
    )

    required_on_submit = ("kind", "address")
    other_text = {"kind": "kind_other"}


class GovernanceForm(AnswerForm):
    copyright_policy = _text(_("Copyright policy"), _("Summary of the policy, or where it is published."), rows=4)
    copyright_policy_url = forms.URLField(label=_("Copyright policy (URL)"), required=False, assume_scheme="https")
    officer_name = _line(_("Responsible officer"))
    officer_title = _line(_("Title of the responsible officer"))
    attestation = forms.BooleanField(
        label=_("The responsible officer attests that these answers are true and complete"), required=False
    )
    changes_since_last = _text(_("Changes since the last version"), rows=3)

    required_on_submit = ("copyright_policy", "officer_name", "attestation")


class QuestionAnswerForm(AnswerForm):
    answer = _text(_("Answer"), rows=5, max_length=20000)

    required_on_submit = ("answer",)


class RowFormSet(forms.BaseFormSet):
    """Rows that can be added, reordered and removed; `min_rows` is enforced only on submission."""

    min_rows = 0

    def __init__(self, *args, strict: bool = False, **kwargs):
        super().__init__(*args, form_kwargs={"strict": strict}, **kwargs)
        self.strict = strict

    def clean(self):
        if self.strict and len(self.kept_forms()) < self.min_rows:
            raise forms.ValidationError(_("Add at least one row."), code="min_rows")

    def kept_forms(self) -> list[AnswerForm]:
        """Rows with content, not marked for removal, in the order the author set."""
        kept = []
        for index, form in enumerate(self.forms):
            if not form.has_content() or self._should_delete_form(form):
                continue
            order = form.cleaned_data.get("ORDER") if hasattr(form, "cleaned_data") else None
            kept.append((order if order is not None else 10_000 + index, index, form))
        return [form for _order, _index, form in sorted(kept, key=lambda t: (t[0], t[1]))]

    def to_json(self) -> list[dict]:
        return assign_row_ids([form.to_json() for form in self.kept_forms()])


def _rows(form_class, min_rows: int):
    formset = forms.formset_factory(form_class, formset=RowFormSet, extra=0, can_order=True, can_delete=True)
    formset.min_rows = min_rows
    return formset


SourceFormSet = _rows(SourceForm, 1)
OutputFilterFormSet = _rows(OutputFilterForm, 1)
ComplaintChannelFormSet = _rows(ComplaintChannelForm, 1)

SECTION_FORMS: dict[str, type[AnswerForm]] = {
    Section.PROVIDER: ProviderForm,
    Section.TRAINING_DATA: TrainingDataForm,
    Section.TAKEDOWN: TakedownForm,
    Section.GOVERNANCE: GovernanceForm,
}
SECTION_ROWS: dict[str, type[RowFormSet]] = {
    Section.SOURCES: SourceFormSet,
    Section.OUTPUT_FILTERS: OutputFilterFormSet,
}
# Rows nested in a section block: section -> (key in the block, formset).
NESTED_ROWS: dict[str, tuple[str, type[RowFormSet]]] = {Section.TAKEDOWN: ("channels", ComplaintChannelFormSet)}


def row_form_class(section: str, key: str | None = None) -> type[AnswerForm]:
    if key is not None:
        return NESTED_ROWS[section][1].form
    return SECTION_ROWS[section].form


@dataclass(frozen=True)
class Problem:
    """One thing wrong or missing, with the anchor of the field it concerns."""

    anchor: str
    section: str
    label: str
    message: str
    # JSON pointer into the answer document (e.g. "/sources/0/name"), for API clients and spreadsheets.
    path: str = ""


@dataclass
class Part:
    """One piece of the answer page: a section block, a list of rows, or a free question's answer."""

    key: str
    title: str
    form: AnswerForm | None = None
    rows: RowFormSet | None = None
    nested_key: str = ""
    nested: RowFormSet | None = None
    question: object = None

    @property
    def anchor(self) -> str:
        return f"section-{self.key}"


def _question_key(position) -> str:
    return f"q{position}"


class AnswerForms:
    """All forms of the answer a request asks for, bound to posted data or to a saved document."""

    def __init__(self, disclosure: DisclosureRequest, data=None, *, strict: bool = False, extra_rows: str = ""):
        self.disclosure = disclosure
        self.strict = strict
        self.questions = list(disclosure.questions.all())
        self.parts: list[Part] = []
        asked = set(disclosure.sections)
        for section in Section:
            if section.value not in asked:
                continue
            key = section.value
            if key in SECTION_FORMS:
                part = Part(key, section.label, form=SECTION_FORMS[key](data, prefix=key, strict=strict))
                if key in NESTED_ROWS:
                    nested_key, formset = NESTED_ROWS[key]
                    prefix = f"{key}-{nested_key}"
                    part.nested_key = nested_key
                    part.nested = formset(_with_extra(data, prefix, extra_rows), prefix=prefix, strict=strict)
                self.parts.append(part)
            else:
                self.parts.append(
                    Part(
                        key,
                        section.label,
                        rows=SECTION_ROWS[key](_with_extra(data, key, extra_rows), prefix=key, strict=strict),
                    )
                )
        for question in self.questions:
            key = _question_key(question.position)
            self.parts.append(
                Part(
                    key,
                    _("Question %(number)s") % {"number": question.position},
                    form=QuestionAnswerForm(data, prefix=key, strict=strict),
                    question=question,
                )
            )

    def all_forms(self) -> Iterator[forms.Form | RowFormSet]:
        for part in self.parts:
            for item in (part.form, part.rows, part.nested):
                if item is not None:
                    yield item

    def is_valid(self) -> bool:
        # Evaluate every form so each one carries its errors for the page.
        return all([item.is_valid() for item in self.all_forms()])

    def to_document(self) -> dict:
        """The cleaned answers as the JSON document (call after is_valid)."""
        document: dict = {"schema_version": SCHEMA_VERSION}
        questions = {}
        for part in self.parts:
            if part.question is not None:
                questions[str(part.question.position)] = part.form.to_json()
            elif part.form is not None:
                block = part.form.to_json()
                if part.nested is not None:
                    block[part.nested_key] = part.nested.to_json()
                document[part.key] = block
            else:
                document[part.key] = part.rows.to_json()
        if questions:
            document["questions"] = questions
        return document

    def problems(self) -> list[Problem]:
        """Every error, each with the anchor of its field (or of its section for a missing row)."""
        found: list[Problem] = []
        for part in self.parts:
            if part.form is not None:
                found += _form_problems(part.form, part.title)
            for formset in (part.rows, part.nested):
                if formset is None:
                    continue
                for index, form in enumerate(formset.forms, start=1):
                    found += _form_problems(form, f"{part.title} {index}")
                for message in formset.non_form_errors():
                    found.append(Problem(f"rows-{formset.prefix}", part.title, part.title, message))
        return found


def _with_extra(data, prefix: str, extra_rows: str):
    """Posted data with one more blank row for `prefix` (the no-script "add a row" button)."""
    if data is None or extra_rows != prefix:
        return data
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    with contextlib.suppress(ValueError):
        data[key] = str(int(data.get(key, 0)) + 1)
    return data


def _form_problems(form: forms.Form, title: str) -> list[Problem]:
    problems = []
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            anchor, label = "", title
        else:
            anchor, label = form[name].auto_id, str(form.fields[name].label)
        for message in errors:
            problems.append(Problem(anchor, title, label, message))
    return problems


def data_from_document(disclosure: DisclosureRequest, document: dict, *, blank_rows: int = 1) -> MultiValueDict:
    """The form data that shows a saved document (with `blank_rows` empty rows to type a new one)."""
    data = MultiValueDict()
    asked = set(disclosure.sections)
    for key, form_class in SECTION_FORMS.items():
        if key not in asked:
            continue
        block = document.get(key) or {}
        _put(data, key, form_class, block if isinstance(block, dict) else {})
        if key in NESTED_ROWS:
            nested_key, formset = NESTED_ROWS[key]
            rows = block.get(nested_key) if isinstance(block, dict) else None
            _put_rows(data, f"{key}-{nested_key}", formset.form, rows or [], blank_rows)
    for key, formset in SECTION_ROWS.items():
        if key in asked:
            rows = document.get(key)
            _put_rows(data, key, formset.form, rows if isinstance(rows, list) else [], blank_rows)
    answers = document.get("questions") or {}
    for question in disclosure.questions.all():
        answer = answers.get(str(question.position)) if isinstance(answers, dict) else None
        _put(data, _question_key(question.position), QuestionAnswerForm, answer if isinstance(answer, dict) else {})
    return data


def _put_rows(data: MultiValueDict, prefix: str, form_class, rows: list, blank_rows: int) -> None:
    rows = [row for row in rows if isinstance(row, dict)]
    for index, row in enumerate(rows):
        _put(data, f"{prefix}-{index}", form_class, row)
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows) + blank_rows)
    data[f"{prefix}-INITIAL_FORMS"] = "0"


def _put(data: MultiValueDict, prefix: str, form_class: type[forms.Form], values: dict) -> None:
    for name, field in form_class.base_fields.items():
        value = values.get(name)
        key = f"{prefix}-{name}"
        if isinstance(field, forms.MultipleChoiceField):
            data.setlist(key, [str(v) for v in value] if isinstance(value, list) else [])
        elif isinstance(field, LinesField):
            data[key] = (
                "\n".join(str(v) for v in value) if isinstance(value, list) else ("" if value is None else str(value))
            )
        elif isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif value is None:
            data[key] = Tier.PUBLIC if name == "tier" else ""
        else:
            data[key] = str(value) if not isinstance(value, bool) else ("on" if value else "")


def known_keys(form_class: type[forms.Form]) -> set[str]:
    return set(form_class.base_fields)


class ImportForm(forms.Form):
    document = forms.FileField(
        label=_("Answer document (JSON)"),
        help_text=_("A file following docs/answer-schema.json, e.g. exported from another draft."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_document(self):
        """The parsed JSON document (any JSON value; the import says what of it fits)."""
        upload = self.cleaned_data["document"]
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not valid JSON."), code="not_json") from None
        if json_too_deep(text):
            raise forms.ValidationError(
                _("The document is nested more deeply than an answer document can be."), code="too_deep"
            )
        try:
            document = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise forms.ValidationError(_("The file is not valid JSON."), code="not_json") from None
        problem = document_error(document)
        if problem:
            raise forms.ValidationError(problem, code="invalid_document")
        return document


class AttachmentUploadForm(forms.Form):
    attachment = forms.FileField(label=_("Attach a file"), required=False, help_text=_("PDF, CSV, PNG or JPEG."))
    attachment_description = forms.CharField(label=_("Description of the file"), required=False, max_length=300)
    attachment_tier = forms.ChoiceField(
        label=_("Confidentiality of the file"), choices=Tier.choices, initial=Tier.PUBLIC, required=False
    )
    attachment_reason = forms.CharField(
        label=_("Reason for confidentiality of the file"), required=False, max_length=2000
    )

    def clean(self):
        data = super().clean()
        data["attachment_tier"] = data.get("attachment_tier") or Tier.PUBLIC
        needs_reason = data.get("attachment") and data.get("attachment_tier") != Tier.PUBLIC
        if needs_reason and not (data.get("attachment_reason") or "").strip():
            self.add_error("attachment_reason", _("Give the reason this file should not be public."))
        return data


class ClaimDecisionForm(forms.Form):
    answer_path = forms.CharField(widget=forms.HiddenInput, max_length=80)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accepted", _("Accept the claim")), ("rejected", _("Reject the claim"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "rejected" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Explain why the claim is rejected: the developer will see it."))
        return data
