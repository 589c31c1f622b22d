"""The answer page's forms: presentation of the answer definition (disclosures.answer).

Each section is a form built from its model's field specs (labels, help texts, vocabularies, widgets);
repeatable rows are formsets. A form parses what the browser posted into its block of the document and
validates it with the definition, so the page, the services, the API and the imports apply the same
rules (`strict` for a submission: what must be answered). The document shape is docs/answer-schema.json.
"""

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.forms.utils import ErrorDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from disclosures.answer import model as definition
from disclosures.answer.guards import (  # noqa: F401 (re-exported: callers import them from here)
    MAX_DOCUMENT_DEPTH,
    document_error,
    invalid_text_message,
    is_valid_text,
    json_too_deep,
)
from disclosures.answer.model import ROW_ID, SCHEMA_VERSION, assign_row_ids, valid_row_id  # noqa: F401
from disclosures.answer.validation import Problem, too_few_rows, validate_block
from disclosures.answer.vocabularies import (  # noqa: F401 (re-exported for the label filters)
    CHANNEL_KINDS,
    CHANNELS,
    CONSENT_BASES,
    CONTENT_TYPES,
    FILTER_KINDS,
    MODALITIES,
    MODEL_MEASURES,
    OTHER,
    PIPELINE_STAGES,
    RESERVATION_PROTOCOLS,
    SIZE_UNITS,
    SOURCE_KINDS,
    YES_NO_UNKNOWN,
    normalise_domain,
)
from disclosures.models import DisclosureRequest, Section, Tier

__all__ = ["AnswerForms", "Part", "Problem", "RowFormSet", "data_from_document", "row_form_class"]


class LinesField(forms.CharField):
    """One item per line (or comma) in a text box; the definition splits and checks the items."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def form_field(spec: definition.Spec) -> forms.Field:
    """The page's field for a spec: widget, label, help text and choices; the definition validates it."""
    common = {"label": spec.label, "help_text": spec.help_text, "required": False}
    kind = spec.kind
    if kind in ("line", "hidden"):
        widget = forms.HiddenInput if kind == "hidden" else None
        return forms.CharField(max_length=spec.max_length, widget=widget, **common)
    if kind == "text":
        return forms.CharField(max_length=spec.max_length, widget=forms.Textarea(attrs={"rows": spec.rows}), **common)
    if kind == "email":
        return forms.EmailField(**common)
    if kind == "url":
        return forms.URLField(assume_scheme="https", **common)
    if kind == "lines":
        return LinesField(**common)
    if kind == "date":
        return forms.DateField(widget=DateInput, **common)
    if kind in ("number", "integer"):
        step = "1" if kind == "integer" else "any"
        field_class = forms.IntegerField if kind == "integer" else forms.FloatField
        return field_class(widget=forms.NumberInput(attrs={"step": step, "min": spec.minimum}), **common)
    if kind == "choice":
        choices = list(spec.choices)
        if spec.blank and (not choices or choices[0][0] != ""):
            choices = [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "multi":
        return forms.MultipleChoiceField(choices=spec.choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == "bool":
        return forms.BooleanField(**common)
    raise ValueError(kind)


# Fields of a row formset, parsed by Django: the row's position and its removal.
FORMSET_FIELDS = ("ORDER", "DELETE")


class AnswerForm(forms.Form):
    """A block of answers with its confidentiality claim; `strict` adds what submission requires."""

    model: type[definition.Answer] = definition.Answer
    # Fields that must be answered on submission (the page marks them), from the model's specs.
    required_on_submit: tuple[str, ...] = ()

    def __init__(self, *args, strict: bool = False, **kwargs):
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        self.strict = strict
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
        return [name for name in self.fields if name not in (*definition.CONFIDENTIALITY, ROW_ID, *FORMSET_FIELDS)]

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

    def raw_block(self) -> dict:
        """What was posted for this block, as the document's values (text not yet parsed)."""
        return {
            name: self.fields[name].widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            for name in self.model.specs()
            if name in self.fields
        }

    def full_clean(self):
        """Parse the posted block with the definition; Django parses only a row's position and removal."""
        self._errors = ErrorDict()
        if not self.is_bound:
            return
        self.cleaned_data = {}
        if self.empty_permitted and not self.has_changed():
            return  # a blank extra row, as Django's own full_clean skips it
        self.cleaned_data, found = validate_block(self.model, self.raw_block(), strict=self.strict)
        for name in FORMSET_FIELDS:
            if name in self.fields:
                self._clean_formset_field(name)
        for name, message, _code in found:
            if name not in self.invalid_text:
                self.add_error(name if name in self.fields else None, message)
        for name in self.invalid_text:
            self.add_error(name, invalid_text_message(str(self.fields[name].label)))

    def _clean_formset_field(self, name: str) -> None:
        field = self.fields[name]
        try:
            self.cleaned_data[name] = field.clean(
                field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            )
        except forms.ValidationError as error:
            self.add_error(name, error)

    def to_json(self) -> dict:
        """This block of the document (call after is_valid)."""
        return {name: self.cleaned_data.get(name) for name in self.model.specs()}


def answer_form(model: type[definition.Answer], base: type[AnswerForm] = AnswerForm) -> type[AnswerForm]:
    """The form of a block or row model: one page field per spec, in the model's order."""
    specs = model.specs()
    attrs = {name: form_field(spec) for name, spec in specs.items()}
    attrs["model"] = model
    attrs["required_on_submit"] = tuple(name for name, spec in specs.items() if spec.required_on_submit)
    attrs["__module__"] = __name__
    return type(model.__name__.removesuffix("Answer").removesuffix("Row") + "Form", (base,), attrs)


class RowForm(AnswerForm):
    """One row of a list (a source, an output filter, a complaint channel), with its stable row id."""


ProviderForm = answer_form(definition.ProviderAnswer)
TrainingDataForm = answer_form(definition.TrainingDataAnswer)
SourceForm = answer_form(definition.SourceRow, RowForm)
OutputFilterForm = answer_form(definition.OutputFilterRow, RowForm)
TakedownForm = answer_form(definition.TakedownAnswer)
ComplaintChannelForm = answer_form(definition.ComplaintChannelRow, RowForm)
GovernanceForm = answer_form(definition.GovernanceAnswer)
QuestionAnswerForm = answer_form(definition.QuestionAnswer)


class RowFormSet(forms.BaseFormSet):
    """Rows that can be added, reordered and removed; `min_rows` is enforced only on submission."""

    min_rows = 0

    def __init__(self, *args, strict: bool = False, **kwargs):
        super().__init__(*args, form_kwargs={"strict": strict}, **kwargs)
        self.strict = strict

    def clean(self):
        message = too_few_rows(len(self.kept_forms()), strict=self.strict) if self.min_rows else None
        if message:
            raise forms.ValidationError(message, code="min_rows")

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


# The page's form of each model of the definition (selectors.answers.form_for reads it).
FORMS_BY_MODEL: dict[type[definition.Answer], type[AnswerForm]] = {
    form.model: form
    for form in (
        ProviderForm,
        TrainingDataForm,
        SourceForm,
        OutputFilterForm,
        TakedownForm,
        ComplaintChannelForm,
        GovernanceForm,
        QuestionAnswerForm,
    )
}
SourceFormSet = _rows(SourceForm, definition.MIN_ROWS)
OutputFilterFormSet = _rows(OutputFilterForm, definition.MIN_ROWS)
ComplaintChannelFormSet = _rows(ComplaintChannelForm, definition.MIN_ROWS)
_FORMSETS = {formset.form.model: formset for formset in (SourceFormSet, OutputFilterFormSet, ComplaintChannelFormSet)}

# The definition's sections, as the page's forms and formsets.
SECTION_FORMS: dict[str, type[AnswerForm]] = {
    key: FORMS_BY_MODEL[model] for key, model in definition.SECTION_BLOCKS.items()
}
SECTION_ROWS: dict[str, type[RowFormSet]] = {key: _FORMSETS[model] for key, model in definition.SECTION_ROWS.items()}
# Rows nested in a section block: section -> (key in the block, formset).
NESTED_ROWS: dict[str, tuple[str, type[RowFormSet]]] = {
    key: (name, _FORMSETS[model]) for key, (name, model) in definition.NESTED_ROWS.items()
}


def row_form_class(section: str, key: str | None = None) -> type[AnswerForm]:
    if key is not None:
        return NESTED_ROWS[section][1].form
    return SECTION_ROWS[section].form


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
            where = f"/questions/{part.question.position}" if part.question is not None else f"/{part.key}"
            if part.form is not None:
                found += _form_problems(part.form, part.title, where)
            for formset, rows_path in ((part.rows, where), (part.nested, f"{where}/{part.nested_key}")):
                if formset is None:
                    continue
                # A row's path is its position in the document the rows make (kept rows, in order).
                kept = {id(form): position for position, form in enumerate(formset.kept_forms())}
                for index, form in enumerate(formset.forms, start=1):
                    row_path = f"{rows_path}/{kept.get(id(form), index - 1)}"
                    found += _form_problems(form, f"{part.title} {index}", row_path)
                for message in formset.non_form_errors():
                    found.append(Problem(f"rows-{formset.prefix}", part.title, part.title, message, rows_path))
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


def _form_problems(form: forms.Form, title: str, path: str) -> list[Problem]:
    problems = []
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            anchor, label, where = "", title, path
        else:
            anchor, label, where = form[name].auto_id, str(form.fields[name].label), f"{path}/{name}"
        for message in errors:
            problems.append(Problem(anchor, title, label, message, where))
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
        help_text=_(
            "A file following docs/answer-schema.json (e.g. exported from another draft), or an EU public summary "
            "of training content in the JSON shape of docs/answer-schema.md."
        ),
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
