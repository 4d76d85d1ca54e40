"""Shared fixtures: master workbooks made by code, a LibreOffice runner, and an xlwings JSON book."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' JSON-book engine, tests only
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="trainbook-cache-")  # not the user's cache

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


def named(path: Path, name: str = "2026 新员工入职培训") -> pd.DataFrame:
    """The settings sheet of the master at `path`, with the program's name filled in."""
    settings = FileEngine(path).read().frame("settings").copy()
    settings.loc[settings["key"] == "program_name", "value"] = name
    return settings


@pytest.fixture
def clean_book(tmp_path: Path) -> Path:
    path = init(tmp_path / "clean.xlsx")
    return write_tables(path, {**clean_tables(), "settings": named(path)})


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


def convert(soffice: str, path: Path, target: str, outdir: Path, infilter: str | None = None) -> Path:
    """Have LibreOffice open `path` headless (with `infilter`'s import options, if given) and save
    it as `target` (pdf, xlsx, csv…)."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
         *([f"--infilter={infilter}"] if infilter else []), "--convert-to", target, "--outdir", str(outdir), str(path)],
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


AS_OF = dt.date(2026, 3, 15)  # a Sunday: S3 is tomorrow, T1 due on Tuesday, T2 overdue
NOW = dt.datetime(2026, 3, 15, 8, 0)


@pytest.fixture
def notices_book(tmp_path: Path) -> Path:
    """A (G1, has a manager), B (G2, joined after S2), C withdrawn, D rejected, E (G1, no mobile), F (G2);
    S2 is for G2 only."""
    path = init(tmp_path / "notices.xlsx")
    person = {"department": "研发", "review_status": "已通过", "status": "在读"}
    settings = FileEngine(path).read().frame("settings").copy()
    settings.loc[settings["key"] == "program_name", "value"] = "春季班"
    settings.loc[settings["key"] == "checkin_url_template", "value"] = "https://example.com/c/{session_id}"
    return write_tables(path, {
        "enrollment": pd.DataFrame([
            {**person, "student_id": "A", "name": "甲", "mobile": "13800000001", "group_id": "G1",
             "manager": "赵经理", "manager_mobile": "13700000001"},
            {**person, "student_id": "B", "name": "乙", "mobile": "13800000002", "group_id": "G2",
             "joined_on": pd.Timestamp("2026-03-10")},
            {**person, "student_id": "C", "name": "丙", "mobile": "13800000003", "group_id": "G1", "status": "退出"},
            {**person, "student_id": "D", "name": "丁", "mobile": "13800000004", "review_status": "已拒绝"},
            {**person, "student_id": "E", "name": "戊", "group_id": "G1"},
            {**person, "student_id": "F", "name": "己", "mobile": "13800000006", "group_id": "G2"},
        ]),
        "groups": pd.DataFrame([{"group_id": "G1", "name": "一班", "tutor": "王老师", "tutor_mobile": "13900000001"},
                                {"group_id": "G2", "name": "二班"}]),
        "sessions": pd.DataFrame([
            {"session_id": f"S{i}", "title": f"第{i}讲", "date": pd.Timestamp("2026-03-02") + pd.Timedelta(weeks=i - 1),
             "start": dt.time(9), "end": dt.time(11), "mode": "线下", "location": "301",
             "groups": "G2" if i == 2 else ""} for i in range(1, 5)]),
        "attendance": pd.DataFrame([{"session_id": "S1", "student_id": "A", "status": "缺勤"},
                                    {"session_id": "S1", "student_id": "E", "status": "出勤"},
                                    {"session_id": "S1", "student_id": "C", "status": "缺勤"}]),
        "tasks": pd.DataFrame([
            {"task_id": "T1", "title": "读书笔记", "due_at": pd.Timestamp("2026-03-17 23:59"), "required": "是"},
            {"task_id": "T2", "title": "入学测验", "due_at": pd.Timestamp("2026-03-05 23:59"), "required": "是"},
            {"task_id": "T3", "title": "选做练习", "due_at": pd.Timestamp("2026-03-16 23:59"), "required": "否"}]),
        "submissions": pd.DataFrame([{"task_id": "T2", "student_id": "A", "status": "逾期提交"},
                                     {"task_id": "T2", "student_id": "E", "status": "免做"},
                                     {"task_id": "T1", "student_id": "B", "status": "已提交"}]),
        "materials": pd.DataFrame([{"material_id": "M1", "title": "讲义", "session_id": "S3", "version": "v2",
                                    "link": "https://example.com/m1", "published_at": pd.Timestamp("2026-03-14 18:00")},
                                   {"material_id": "M2", "title": "旧讲义", "version": "v1",
                                    "published_at": pd.Timestamp("2026-02-01 18:00")}]),
        "settings": settings,
    })
