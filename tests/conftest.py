"""Shared fixtures: master workbooks made by code, a LibreOffice runner, and an xlwings JSON book."""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' JSON-book engine, tests only

import datetime as dt  # noqa: E402
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import python_calamine

from trainbook.demo import build_demo_book
from trainbook.demo.program import sample_program
from trainbook.operations import init
from trainbook.workbook.engine import Update
from trainbook.workbook.file_engine import FileEngine


@pytest.fixture
def blank_book(tmp_path: Path) -> Path:
    return init(tmp_path / "blank.xlsx")


def write_tables(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    engine = FileEngine(path)
    engine.write(engine.read(), Update(tables=tables))
    return path


def clean_tables() -> dict[str, pd.DataFrame]:
    """The sample program without its planted mistakes."""
    tables = sample_program("zh")
    enrollment = tables["enrollment"]
    tables["enrollment"] = enrollment[enrollment["student_id"] != "S0067"].reset_index(drop=True)
    tables["enrollment"].loc[4, "mobile"] = "13812345678"
    tables["enrollment"].loc[9, "email"] = "zhao.qiang@example.com"
    attendance = tables["attendance"].iloc[:-1].copy()
    attendance.loc[7, "status"] = "出勤"
    tables["attendance"] = attendance
    scores = tables["scores"]
    tables["scores"] = scores[scores["student_id"] != "S0099"].reset_index(drop=True)
    tables["scores"].loc[5, "score"] = 45
    return tables


@pytest.fixture
def clean_book(tmp_path: Path) -> Path:
    path = init(tmp_path / "clean.xlsx")
    return write_tables(path, clean_tables())


@pytest.fixture
def demo_book(tmp_path: Path) -> Path:
    return build_demo_book(tmp_path / "demo.xlsx")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="session")
def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.fail("LibreOffice (Debian package libreoffice-calc) is required for these tests")
    return exe


def convert(soffice: str, path: Path, target: str, outdir: Path) -> Path:
    """Have LibreOffice open `path` headless and save it as `target` (pdf, xlsx, csv…)."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
         "--convert-to", target, "--outdir", str(outdir), str(path)],
        capture_output=True, text=True, timeout=180,
    )
    produced = outdir / f"{path.stem}.{target.split(':')[0]}"
    assert produced.exists(), f"LibreOffice failed on {path.name}: {result.stdout} {result.stderr}"
    return produced


def _json_value(value: Any) -> Any:
    """A cell value the way the xlwings Office client sends it: dates as ISO strings."""
    if isinstance(value, dt.datetime):
        return value.isoformat() + ".000Z"
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).isoformat() + ".000Z"
    if isinstance(value, dt.time):
        return dt.datetime.combine(dt.date(1899, 12, 30), value).isoformat() + ".000Z"
    return value


def json_book(path: Path) -> Any:
    """An xlwings JSON book holding every sheet's values of a real workbook file."""
    import xlwings as xw

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in workbook.sheet_names:
        values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets.append({"name": name, "values": [[_json_value(v) for v in row] for row in values] or [[]],
                       "pictures": [], "tables": []})
    data = {"client": "Microsoft Office Scripts", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}
    return xw.Book(json=data)
