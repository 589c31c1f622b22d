"""Field metadata of the row sections, for readers that lay rows out as columns (spreadsheet import/export)."""

from dataclasses import dataclass
from typing import Any

from disclosures.answer import model as m


@dataclass(frozen=True)
class RowField:
    """One column of a row section: the document's field name, its label, its vocabulary and kind.

    `choices` are (code, label) pairs for a choice or a list of choices, empty otherwise; `required` is
    whether a submission needs it; `many` whether the value is a list (one item per line or comma).
    """

    name: str
    label: Any
    choices: tuple
    required: bool
    kind: str
    help_text: Any = ""

    @property
    def many(self) -> bool:
        return self.kind in ("lines", "multi")


def row_fields(section: str) -> list[RowField]:
    """The columns of a row section ("sources", "output_filters", or "takedown/channels"), in form order.

    The confidentiality tier and reason are columns too; the row id comes first so a spreadsheet that
    keeps it keeps each row's identity across versions.
    """
    if section in m.SECTION_ROWS:
        model = m.SECTION_ROWS[section]
    else:
        block, _slash, key = section.partition("/")
        nested = m.NESTED_ROWS.get(block)
        if nested is None or nested[0] != key:
            raise KeyError(section)
        model = nested[1]
    specs = model.specs()
    order = [m.ROW_ID, *(name for name in specs if name != m.ROW_ID)]
    return [
        RowField(
            name=name,
            label=specs[name].label,
            choices=tuple(specs[name].choices),
            required=specs[name].required_on_submit or name == "tier",
            kind=specs[name].kind,
            help_text=specs[name].help_text,
        )
        for name in order
    ]
