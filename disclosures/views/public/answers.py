"""Public answers in readable form, and what changed between two versions.

The input is always the output of `selectors.answers.public_answers()`; the labels and values come from
`selectors.answers.readable()`, the presenter the parties' pages and the PDF records use too.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from disclosures.selectors.answers import readable


def render_answers(answers: dict, questions: dict[int, str]) -> SafeString:
    """The public answers under their headings; a note where something was withheld, never what."""
    return render_to_string(
        "public/includes/answers.html",
        {"answers": readable(answers, questions=questions), "withheld": bool(answers.get("withheld"))},
    )


def _labelled(answers: dict, questions: dict[int, str]) -> dict[str, str]:
    return {f"{a.title} › {label}": value for a in readable(answers, questions=questions) for label, value in a.fields}


def answer_changes(older: dict, newer: dict, questions: dict[int, str]) -> list[tuple[str, str, str]]:
    """(field, before, after) for every public field that differs between two versions, in form order."""
    before, after = _labelled(older, questions), _labelled(newer, questions)
    fields = list(before) + [field for field in after if field not in before]
    return [
        (field, before.get(field, ""), after.get(field, ""))
        for field in fields
        if before.get(field, "") != after.get(field, "")
    ]
