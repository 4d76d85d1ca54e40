"""The vocabulary that sheet declarations are written in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from trainbook.i18n import Lang, pick

Kind = Literal[
    "text", "id", "mobile", "email", "url", "date", "time", "datetime", "number", "integer", "percent",
    "choice",
]
Role = Literal["input", "generated", "system"]


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice column: a stable key and its label in each language."""

    key: str
    zh: str
    en: str

    def label(self, lang: Lang) -> str:
        return pick(lang, self.zh, self.en)


def labels(choices: tuple[Choice, ...], lang: Lang) -> dict[str, str]:
    """Choice key → its label in `lang`, e.g. {"present": "出勤", …}."""
    return {c.key: c.label(lang) for c in choices}


YES = Choice("yes", "是", "Yes")
NO = Choice("no", "否", "No")
YES_NO = (YES, NO)


@dataclass(frozen=True)
class Column:
    """One column of a sheet; everything about it that the template, validation and docs need."""

    key: str
    zh: str
    en: str
    kind: Kind = "text"
    required: bool = False
    choices: tuple[Choice, ...] = ()
    width: float = 12
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    refers_to: str | None = None  # sheet key whose id column this column must name
    many: bool = False  # a comma-separated list of references (sessions.groups)
    default: str | None = None  # choice key assumed when blank
    auto_id: str | None = None  # prefix of ids assigned when blank (S → S0001)
    wrap: bool = False
    also: tuple[str, ...] = ()  # other header texts that name this column (e.g. 关联课次)

    def header(self, lang: Lang) -> str:
        return pick(lang, self.zh, self.en)

    @property
    def to_fill(self) -> bool:
        """Whether a blank cell is a mistake: required, and not an id the master assigns itself."""
        return self.required and self.auto_id is None

    def choice_labels(self, lang: Lang) -> list[str]:
        return [c.label(lang) for c in self.choices]


@dataclass(frozen=True)
class Sheet:
    """One sheet of the master workbook, declared once."""

    key: str
    zh: str
    en: str
    role: Role
    columns: tuple[Column, ...] = ()
    id_column: str | None = None  # unique per row → duplicate-id
    natural_key: tuple[str, ...] = ()  # unique combination → duplicate-record
    tab_color: str = ""
    note_zh: str = ""
    note_en: str = ""
    rows: int = 1000  # rows covered by the template's drop-downs and formats
    hidden: bool = False  # trainbook's own bookkeeping, out of the coordinator's way
    added: bool = False  # newer than some masters: trainbook adds it, with its first rows, to one without it
    top_rows: int = 1  # rows kept above what trainbook rewrites: the header, or a laid-out sheet's top (看板's tiles)

    def name(self, lang: Lang) -> str:
        return pick(lang, self.zh, self.en)

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.key}.{key}")

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def note(self, lang: Lang) -> str:
        return pick(lang, self.note_zh, self.note_en)


@dataclass(frozen=True)
class Parameter:
    """One row of the settings sheet: a program fact or a policy parameter."""

    key: str
    zh: str
    en: str
    kind: Kind
    default: str | float | int | None
    explain_zh: str
    explain_en: str
    min: float | None = None
    max: float | None = None
    choices: tuple[Choice, ...] = field(default=())

    def label(self, lang: Lang) -> str:
        return pick(lang, self.zh, self.en)

    def explain(self, lang: Lang) -> str:
        return pick(lang, self.explain_zh, self.explain_en)
