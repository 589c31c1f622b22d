"""Coded answer values as a reader reads them, in the reader's language.

One place maps a code of the answer vocabularies ("web_crawl", "opt_out_honoured", "tb") to its label:
the vocabularies themselves, imported from the answer definition below. Pages that show a code from a
model column (the declared sources of "Was my work used?") or a readable answer (`selectors.answers
.readable`) go through these filters, so a move of the vocabularies changes only the import.
"""

from django import template
from django.utils.translation import ngettext

from disclosures.forms import answers as vocabularies
from disclosures.selectors.answers import ReadableAnswer, form_for, join_list

register = template.Library()

# The vocabularies a template may name, e.g. {{ source.kind|answer_label:"source_kinds" }}.
VOCABULARIES = {
    "source_kinds": vocabularies.SOURCE_KINDS,
    "modalities": vocabularies.MODALITIES,
    "size_units": vocabularies.SIZE_UNITS,
    "content_types": vocabularies.CONTENT_TYPES,
    "consent_bases": vocabularies.CONSENT_BASES,
    "reservation_protocols": vocabularies.RESERVATION_PROTOCOLS,
    "yes_no_unknown": vocabularies.YES_NO_UNKNOWN,
    "channels": vocabularies.CHANNELS,
    "filter_kinds": vocabularies.FILTER_KINDS,
    "pipeline_stages": vocabularies.PIPELINE_STAGES,
    "model_measures": vocabularies.MODEL_MEASURES,
    "channel_kinds": vocabularies.CHANNEL_KINDS,
}


def label_for(code, vocabulary: str) -> str:
    """The label of `code` in the named vocabulary (a list of codes is joined); "" for no code.

    An unknown code is returned as it is: it is the developer's own text (an old document, an import),
    and hiding it would hide an answer.
    """
    if code is None or code == "" or code == []:
        return ""
    if isinstance(code, list | tuple):
        return join_list(label_for(item, vocabulary) for item in code if item not in (None, ""))
    labels = {str(value): str(label) for value, label in VOCABULARIES[vocabulary]}
    return labels.get(str(code), str(code))


@register.filter
def answer_label(code, vocabulary: str) -> str:
    return label_for(code, vocabulary)


@register.filter
def reader_list(items) -> str:
    """A list as the reader's language writes it: 「A、B」 in Japanese, "A, B" otherwise."""
    return join_list(item for item in items or [] if item not in (None, ""))


def _plural(count: float) -> int:
    # ngettext takes an integer; a fraction reads as a plural in English ("1.5 days").
    return int(count) if float(count).is_integer() else 2


# Numbers whose unit the answer form gives only in its help text; the value reads "7 日", "10 件".
def _days(number: str, count: float) -> str:
    return ngettext("%(number)s day", "%(number)s days", _plural(count)) % {"number": number}


def _complaints(number: str, count: float) -> str:
    return ngettext("%(number)s complaint", "%(number)s complaints", _plural(count)) % {"number": number}


UNITS = {
    "target_days": _days,
    "achieved_median_days": _days,
    "received": _complaints,
    "upheld": _complaints,
    "rejected": _complaints,
}
# A size and the field holding its unit: shown as one row, "3.2 テラバイト".
SIZE_UNIT_FIELDS = {"size": "size_unit", "total_size": "size_unit"}


def _count(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@register.filter
def days(value) -> str:
    """A number of days with its unit ("14 日", "14 days"); "" for none."""
    if value is None or value == "":
        return ""
    number = f"{value:g}" if isinstance(value, float) else str(value)
    count = _count(number)
    return _days(number, count) if count is not None else number


def shown_fields(answer: ReadableAnswer) -> list[tuple[str, str]]:
    """The answered fields of a readable answer, each with its unit, a size and its unit on one row.

    A field that was not answered is left out (no row of "—"). Field names are found from the labels
    `readable()` gave, which are the answer form's own labels in the active language.
    """
    form_class = form_for(answer.path)
    names = {str(field.label): name for name, field in form_class.base_fields.items()} if form_class else {}
    values = {names.get(label, ""): value for label, value in answer.fields}
    merged_units = {SIZE_UNIT_FIELDS[name] for name in SIZE_UNIT_FIELDS if values.get(name)}
    result = []
    for label, value in answer.fields:
        name = names.get(label, "")
        if not value or name in merged_units:
            continue
        if name in SIZE_UNIT_FIELDS and values.get(SIZE_UNIT_FIELDS[name]):
            value = f"{value} {values[SIZE_UNIT_FIELDS[name]]}"
        elif name in UNITS and (count := _count(value)) is not None:
            value = UNITS[name](value, count)
        result.append((label, value))
    return result


@register.filter(name="shown_fields")
def shown_fields_filter(answer: ReadableAnswer) -> list[tuple[str, str]]:
    return shown_fields(answer)
