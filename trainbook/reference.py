"""docs/reference.md, rendered from the declarations and the validation catalogue.

    python -m trainbook.reference > docs/reference.md
"""

from __future__ import annotations

from trainbook.schema.columns import Column
from trainbook.schema.settings import PARAMETERS
from trainbook.schema.sheets import SHEETS
from trainbook.validation.catalogue import CODES
from trainbook.validation.cells import range_text


def _column_line(col: Column) -> str:
    facts: list[str] = [col.kind]
    if col.required:
        facts.append("**required**")
    if col.choices:
        facts.append("choices " + " / ".join(f"{c.zh} ({c.en})" for c in col.choices))
    if col.refers_to:
        facts.append(f"refers to `{col.refers_to}`" + (" (comma-separated list)" if col.many else ""))
    if col.min is not None or col.max is not None:
        facts.append("range " + range_text(col))
    if col.auto_id:
        facts.append(f"assigned {col.auto_id}0001… when blank")
    return f"| `{col.key}` | {col.zh} | {col.en} | {', '.join(facts)} |"


def render_reference() -> str:
    lines = ["# trainbook reference", "",
             "Generated from `trainbook/schema/` and `trainbook/validation/catalogue.py`; "
             "do not edit by hand (`python -m trainbook.reference > docs/reference.md`).", "",
             "## Sheets", ""]
    for sheet in SHEETS:
        lines += [f"### `{sheet.key}` — {sheet.zh} / {sheet.en} ({sheet.role})", ""]
        if sheet.id_column:
            lines.append(f"Each `{sheet.id_column}` appears once.")
        if sheet.natural_key:
            lines.append(f"Each combination of {' + '.join(f'`{k}`' for k in sheet.natural_key)} appears once.")
        if sheet.columns:
            lines += ["", "| key | 中文 | English | type and rules |", "|---|---|---|---|"]
            lines += [_column_line(c) for c in sheet.columns]
        else:
            lines.append("Free layout.")
        lines.append("")
    lines += ["## Settings", "", "| key | 中文 | default | meaning |", "|---|---|---|---|"]
    for p in PARAMETERS:
        default = "" if p.default is None else p.default
        lines.append(f"| `{p.key}` | {p.zh} | {default} | {p.explain_en} |")
    lines += ["", "## Validation codes", "", "| code | severity | what it means |", "|---|---|---|"]
    lines += [f"| `{c.code}` | {c.severity} | {c.title} |" for c in CODES]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_reference(), end="")
