"""The answer workspace's parts that are not views: the section menu, merging one section into the draft, pages of rows.

A request's sections are the Parts of `AnswerForms` (each block, row list and free question), plus the
attachments. Completeness comes from the strict (submission) validation of the saved draft, grouped by
the section each problem's pointer names.
"""

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from disclosures import answer as definition
from disclosures import spreadsheets
from disclosures.answer.guards import is_valid_text
from disclosures.forms import answers as answer_forms
from disclosures.models import DisclosureRequest, ResponseDraft
from disclosures.selectors.answers import MinistryNote

ATTACHMENTS = "attachments"
# A page of sources posts about 30 fields a row: 25 rows and a few blank ones stay well below Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000), the bound on parameters per request.
ROWS_PER_PAGE = 25
MENU_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class MenuItem:
    key: str
    title: str
    url: str
    missing: int | None  # None for a section without submission rules (the attachments)
    notes: int = 0  # the ministry's comments and rejected claims on this section's answers

    @property
    def notes_label(self) -> str:
        return ngettext("%(n)s note from the ministry", "%(n)s notes from the ministry", self.notes) % {"n": self.notes}

    @property
    def status(self) -> str:
        if self.missing is None:
            return ""
        if not self.missing:
            return _("Complete")
        return ngettext("%(n)s required field missing", "%(n)s required fields missing", self.missing) % {
            "n": self.missing
        }


def section_url(disclosure: DisclosureRequest, key: str) -> str:
    return reverse("developer:answer_section", args=[disclosure.public_id, key])


def part_keys(disclosure: DisclosureRequest) -> list[tuple[str, str]]:
    """(key, title) of each section of the request's answer, in the order of the form, then the attachments."""
    parts = answer_forms.AnswerForms(disclosure).parts
    return [(part.key, str(part.title)) for part in parts] + [(ATTACHMENTS, _("Attachments"))]


def missing_by_section(disclosure: DisclosureRequest, draft: ResponseDraft) -> dict[str, int]:
    """How many submission problems each section of the saved draft has (kept per revision of the draft)."""
    # The time of the save makes the key unique even where row ids are reused (a test database, a restore).
    saved = draft.updated_at.timestamp() if draft.updated_at else 0
    key = f"answer-missing:{draft.pk}:{draft.revision}:{saved}"
    counts = cache.get(key)
    if counts is None:
        counts = {}
        for problem in submission_problems(disclosure, draft):
            section = spreadsheets.part_key(problem.path)
            counts[section] = counts.get(section, 0) + 1
        cache.set(key, counts, MENU_CACHE_SECONDS)
    return counts


def submission_problems(disclosure: DisclosureRequest, draft: ResponseDraft) -> list[definition.Problem]:
    return spreadsheets.validate_document(disclosure, draft.answers, strict=True)[1]


def menu(disclosure: DisclosureRequest, draft: ResponseDraft, notes: Iterable[MinistryNote] = ()) -> list[MenuItem]:
    counts = missing_by_section(disclosure, draft)
    noted = Counter(note.section for note in notes)
    return [
        MenuItem(
            key,
            title,
            section_url(disclosure, key),
            None if key == ATTACHMENTS else counts.get(key, 0),
            noted.get(key, 0),
        )
        for key, title in part_keys(disclosure)
    ]


def find_part(forms: answer_forms.AnswerForms, key: str) -> answer_forms.Part | None:
    return next((part for part in forms.parts if part.key == key), None)


def part_problems(forms: answer_forms.AnswerForms, keys) -> list[definition.Problem]:
    """The problems of the sections `keys` only (the page posts no other section's fields)."""
    forms.is_valid()  # every part validated, so each can say what it holds; the others hold nothing
    return [problem for problem in forms.problems() if spreadsheets.part_key(problem.path) in keys]


def part_is_valid(part: answer_forms.Part) -> bool:
    return all([item.is_valid() for item in (part.form, part.rows, part.nested) if item is not None])


def with_row_ids(rows) -> list[dict]:
    """The draft's rows, each with its row id (rows saved before ids existed get the ids a save would give)."""
    return definition.assign_row_ids([dict(row) for row in rows if isinstance(row, dict)]) if rows else []


def merge_part(document: dict, part: answer_forms.Part, *, whole: bool = False, new_ids: dict | None = None) -> dict:
    """The draft document with the posted section in place of its saved version; other sections untouched.

    A row list may be posted a page at a time: the posted rows take the places of the saved rows they
    carry the ids of, in their posted order; new rows follow the page's last row; rows of other pages
    keep their place and content. With `whole`, the posted rows are the whole list. `new_ids` receives
    the row id given to each new row, by the name of its row id field on the page.
    """
    merged = {**document}
    if part.question is not None:
        merged["questions"] = {**(merged.get("questions") or {}), str(part.question.position): part.form.to_json()}
    elif part.form is not None:
        block = part.form.to_json()
        if part.nested is not None:
            block[part.nested_key] = part.nested.to_json()
        merged[part.key] = block
    elif whole:
        merged[part.key] = part.rows.to_json()
    else:
        merged[part.key] = _merge_rows(
            with_row_ids(merged.get(part.key)), part.rows, {} if new_ids is None else new_ids
        )
    return merged


def _merge_rows(current: list[dict], formset: answer_forms.RowFormSet, new_ids: dict) -> list[dict]:
    shown = {
        form.cleaned_data.get(definition.ROW_ID)
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and form.cleaned_data.get(definition.ROW_ID)
    }
    kept = [(form, form.to_json()) for form in formset.kept_forms()]
    posted = iter(row for _form, row in kept)
    slots = [index for index, row in enumerate(current) if row.get(definition.ROW_ID) in shown]
    last = slots[-1] if slots else len(current) - 1
    taken = set(slots)
    result = []
    for index, row in enumerate(current):
        if index in taken:
            replacement = next(posted, None)
            if replacement is not None:
                result.append(replacement)
        else:
            result.append(row)
        if index == last:
            result.extend(posted)
    result.extend(posted)  # a list that was empty
    # New rows get their ids now (their position, or a new one where that is taken) and the page is told
    # them: an autosaved page posts them again, and must post them as the rows they have become.
    definition.assign_row_ids(result)
    for form, row in kept:
        if not form.cleaned_data.get(definition.ROW_ID):
            new_ids[form.add_prefix(definition.ROW_ID)] = row[definition.ROW_ID]
    return result


def printable(value):
    """A document whose text can be written as a page: a lone surrogate is shown escaped (\\ud800)."""
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    if isinstance(value, str) and not is_valid_text(value):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def matches(row: dict, text: str, kind: str) -> bool:
    if kind and row.get("kind") != kind:
        return False
    if not text:
        return True
    wanted = _normal(text)
    for value in row.values():
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and wanted in _normal(item) for item in items):
            return True
    return False


@dataclass
class RowPage:
    page: Page
    text: str
    kind: str
    total: int

    @property
    def rows(self) -> list[dict]:
        return list(self.page.object_list)

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.kind)


def row_page(rows: list[dict], *, text: str = "", kind: str = "", number=1) -> RowPage:
    chosen = [row for row in rows if matches(row, text, kind)]
    page = Paginator(chosen, ROWS_PER_PAGE).get_page(number)
    return RowPage(page=page, text=text, kind=kind, total=len(rows))


def section_data(disclosure: DisclosureRequest, document: dict, key: str, rows: list[dict] | None, blank_rows: int):
    """The form data that shows one section of a document (`rows`: the page of a row list to show)."""
    if rows is not None:
        document = {**document, key: rows}
    data = answer_forms.data_from_document(disclosure, document, blank_rows=blank_rows)
    return MultiValueDict({name: data.getlist(name) for name in data if _in_part(name, key)})


def _in_part(name: str, key: str) -> bool:
    return name.startswith(f"{key}-")
