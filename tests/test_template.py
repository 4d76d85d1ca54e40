"""The template: generated from the declarations, committed up to date, and read by LibreOffice."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest

import trainbook
from trainbook.schema.sheets import SHEETS
from trainbook.workbook.template import build_workbook

from .conftest import convert, parts

ROOT = Path(__file__).resolve().parents[1]


def test_committed_template_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.xlsx"
    build_workbook(fresh, "zh")
    assert parts(ROOT / "workbook_template.xlsx") == parts(fresh), (
        "workbook_template.xlsx is stale: run `trainbook template` and commit it")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_structure_follows_the_declarations(tmp_path: Path, lang: str) -> None:
    path = trainbook.init(tmp_path / f"{lang}.xlsx", lang=lang)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [s.name(lang) for s in SHEETS]
    colours = {s.role: set() for s in SHEETS}
    for sheet in SHEETS:
        ws = wb[sheet.name(lang)]
        colours[sheet.role].add(ws.sheet_properties.tabColor.rgb)
        if not sheet.columns:
            continue
        assert [c.value for c in ws[1]][: len(sheet.columns)] == [c.header(lang) for c in sheet.columns]
        assert ws.freeze_panes in ("A2", "C2")
        if sheet.role == "input":
            validated = " ".join(str(dv.sqref) for dv in ws.data_validations.dataValidation)
            for idx, col in enumerate(sheet.columns):
                if col.choices:
                    letter = openpyxl.utils.get_column_letter(idx + 1)
                    assert f"{letter}2:" in validated, f"{sheet.key}.{col.key} has no drop-down"
    assert len(colours["input"]) == 1 and colours["input"].isdisjoint(colours["system"])
    settings = wb[[s for s in SHEETS if s.key == "settings"][0].name(lang)]
    keys = [row[0].value for row in settings.iter_rows(min_row=2)]
    assert "late_grace_minutes" in keys and "attendance_threshold" in keys


def test_libreoffice_renders_every_sheet(tmp_path: Path, soffice: str) -> None:
    path = trainbook.init(tmp_path / "program.xlsx")
    pdf = convert(soffice, path, "pdf", tmp_path / "out")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    shown = [s for s in SHEETS if not s.hidden]  # a hidden sheet (trainbook's bookkeeping) prints nothing
    assert pages >= len(shown) - 1  # the paste sheet is empty and prints no page
    for sheet in shown:
        first = sheet.columns[0].header("zh") if sheet.columns else None
        if first:
            assert first in text, f"{sheet.key} did not render"
    assert "培训主工作簿" in text and "最近一次运行" in text


def test_libreoffice_recalculates_the_demo(tmp_path: Path, soffice: str, demo_book: Path) -> None:
    trainbook.validate(demo_book, annotate=True)
    out = convert(soffice, demo_book, "xlsx", tmp_path / "rt")
    master = trainbook.read(out)
    assert len(master.frame("enrollment")) == len(trainbook.read(demo_book).frame("enrollment"))
    assert trainbook.validate(out).flatten() == trainbook.validate(demo_book).flatten()
