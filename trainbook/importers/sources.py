"""What a merge reads: the exports in a file (or pasted into the paste sheet), each with its kind
and its table, refused with the file named when it holds none trainbook knows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainbook.errors import InputError
from trainbook.i18n import Lang, listing, message
from trainbook.importers.kinds import BY_KEY as KINDS
from trainbook.importers.kinds import KINDS as ALL_KINDS
from trainbook.importers.kinds import ExportKind, detect
from trainbook.importers.reading import RawSheet, first_rows, read_export
from trainbook.importers.table import ExportTable, find_table
from trainbook.schema.sheets import PASTE
from trainbook.workbook.master import identify_sheets


@dataclass
class Source:
    """An export to merge (a file, or rows pasted into the paste sheet), its kind and its table."""

    name: str
    digest: str
    kind: ExportKind
    table: ExportTable


def file_sources(path: Path, lang: Lang, kind_key: str | None = None) -> list[Source]:
    """The exports in a file: one for each of its sheets that holds a table of a known kind (a
    DingTalk workbook may hold several — 月度汇总, 打卡时间, 原始记录 — and every row of each
    counts). A sheet of a several-sheet file is named and logged as `file/sheet`."""
    sheets = read_export(path, lang)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    picked = _picks(path.name, sheets, kind_key, lang)
    if len(picked) == 1:
        return [Source(path.name, digest, *picked[0])]
    return [Source(f"{path.name}/{table.sheet}", hashlib.sha256(f"{digest}/{table.sheet}".encode()).hexdigest(),
                   kind, table) for kind, table in picked]


LOOK_FIRST_FROM = 1024**2  # a smaller export is read whole sooner than a first look's reader is imported


def likely_kinds(path: Path, lang: Lang, kind_key: str | None = None) -> list[ExportKind] | None:
    """The kinds of export a file most likely holds, told from its sheets' first rows (`kind_key`
    when it is given), or None when they cannot be told without reading it in full — or it is
    small enough to be read in full at once."""
    if kind_key:
        return [KINDS[kind_key]]
    if not path.is_file() or path.stat().st_size < LOOK_FIRST_FROM:
        return None
    sheets = first_rows(path, lang)
    if sheets is None:
        return None
    try:
        return [kind for kind, _ in _picks(path.name, sheets, None, lang)]
    except InputError:  # no table found in the first rows: the full read tells
        return None


def pasted_source(rows: list[list[Any]], lang: Lang, kind_key: str | None = None) -> Source:
    name = PASTE.name(lang)
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()
    return Source(name, digest, *_picks(name, [RawSheet("paste", rows)], kind_key, lang)[0])


def _picks(name: str, sheets: list[RawSheet], kind_key: str | None, lang: Lang) -> list[tuple[ExportKind, ExportTable]]:
    """The kind and table of every sheet that holds an export (with `kind_key`, every table that
    kind can read, else the one it reads best); the raw rows are consumed (large exports are large)."""
    found_sheets, _ = identify_sheets([s.name for s in sheets])
    if len(found_sheets) >= 5:
        raise InputError(message("export-is-master", lang, path=name))
    tables = []
    while sheets:
        sheet = sheets.pop(0)
        if (table := find_table(sheet.name, sheet.rows)) is not None:
            tables.append(table)
    periods = {table.period for table in tables if table.period is not None}
    if len(periods) == 1:  # a workbook's sheets are one export: a sheet whose title was lost shares its period
        for table in tables:
            table.period = table.period or next(iter(periods))
    if kind_key:  # every table the named kind reads, unless another kind reads it plainly better
        kind = KINDS[kind_key]
        if not tables:
            raise InputError(_unknown(name, tables, lang))
        fitting = [(kind, table) for table in tables if kind.score(table) > 0]
        best = [(k, table) for k, table in fitting if kind.score(table) >= max(other.score(table) for other in ALL_KINDS)]
        fitting = best if len(fitting) > 1 and best else fitting
        if not fitting:
            other = next((pick[0] for table in tables if (pick := detect([table])) is not None), None)
            looks = message("export-looks-like", lang, kind=other.label(lang), option=other.key) if other else \
                message("export-looks-unknown", lang)
            raise InputError(message("export-not-that-kind", lang, path=name, kind=kind.label(lang), looks=looks))
        return fitting
    found = [pick for table in tables if (pick := detect([table])) is not None]
    if not found:
        raise InputError(_unknown(name, tables, lang))
    return found


def _unknown(name: str, tables: list[ExportTable], lang: Lang) -> str:
    headers = listing((h if len(h) <= 30 else h[:30] + "…" for h in tables[0].headers[:8]), lang) if tables else "—"
    kinds = listing((f"{k.label(lang)} ({k.key})" for k in ALL_KINDS), lang)
    return message("export-unknown-kind", lang, path=name, headers=headers, kinds=kinds)
