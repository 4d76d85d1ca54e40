"""The 校验 button, driven through xlwings' JSON-book engine on a book made from a real file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

import trainbook
import trainbook.xl
from trainbook.todolist import PANEL_LEFT
from trainbook.workbook.engine import Update
from trainbook.workbook.file_engine import FileEngine

from .conftest import json_book


def press_validate(path: Path) -> tuple[object, list[dict]]:
    book = json_book(path)
    book.set_mock_caller()
    trainbook.xl.validate()
    return book, book.json()["actions"]


def test_button_writes_issues_in_one_batch_and_alerts_once(demo_book: Path) -> None:
    book, actions = press_validate(demo_book)
    names = [s.name for s in book.sheets]
    issues_pos = names.index("校验结果")
    home = [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == names.index("首页")
            and a["start_column"] != PANEL_LEFT]  # the run's word; the to-do panel beside it is test_todo's
    assert len(home) == 1 and home[0]["values"][2] == ["6 个错误，2 个警告"]
    writes = [a for a in actions if a["func"] == "setValues" and a not in home and a["start_column"] != PANEL_LEFT]
    assert len(writes) == 1 and writes[0]["sheet_position"] == issues_pos
    report = trainbook.validate(demo_book)
    assert writes[0]["row_count"] == len(report.issues) and writes[0]["start_row"] == 1
    first = writes[0]["values"][0]
    assert first[:4] == ["错误", "报名", 6, "手机号"] and first[4].startswith('=HYPERLINK("#\'报名\'!C6"')

    colours = [a for a in actions if a["func"] == "setRangeColors"]
    per_sheet = Counter(a["sheet_position"] for a in colours)
    assert set(per_sheet) == {names.index(n) for n in ("报名", "考勤", "成绩")}
    assert all(n == 1 for n in per_sheet.values())
    enrollment = next(a for a in colours if a["sheet_position"] == names.index("报名"))
    matrix = enrollment["args"][0]
    marked = {(enrollment["start_row"] + r + 1, enrollment["start_column"] + c)
              for r, row in enumerate(matrix) for c, v in enumerate(row) if v == "#ffc7ce"}
    assert marked == {(6, 2), (11, 3), (68, 1), (68, 2)}

    alerts = [a for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1 and "6 个错误" in alerts[0]["args"][0]
    assert Counter(a["func"] for a in actions) <= Counter(
        {"setValues": 3, "rangeClearContents": 1, "setRangeColors": 3, "alert": 1})


def test_button_reads_the_same_findings_as_the_file_engine(demo_book: Path) -> None:
    book = json_book(demo_book)
    assert trainbook.validate(book).flatten() == trainbook.validate(demo_book).flatten()


def test_call_count_does_not_grow_with_rows(demo_book: Path) -> None:
    engine = FileEngine(demo_book)
    master = engine.read()
    attendance = master.frame("attendance")
    big = pd.concat([attendance] * 8, ignore_index=True)
    big["session_id"] = [f"X{i}" for i in range(len(big))]  # every row an unknown session
    engine.write(master, Update(tables={"attendance": big}))
    _, actions = press_validate(demo_book)
    report = trainbook.validate(demo_book)
    assert len(report.issues) > 3000
    writes = [a for a in actions if a["func"] == "setValues" and a["row_count"] > 3 and a["start_column"] != PANEL_LEFT]
    assert len(writes) == 1 and writes[0]["row_count"] == len(report.issues)
    colours = [a for a in actions if a["func"] == "setRangeColors"]
    width = 4  # marked attendance columns span A:D
    assert len(colours) <= 3 + len(big) * width // 10_000, "one colour call per 10,000-cell band"


def test_button_shows_a_message_not_a_traceback(tmp_path: Path) -> None:
    import xlwings as xw

    book = xw.Book(json={"client": "Microsoft Office Scripts", "version": xw.__version__,
                         "book": {"name": "x.xlsx", "active_sheet_index": 0, "selection": "A1"},
                         "names": [], "sheets": [{"name": "Sheet1", "values": [["a"]],
                                                   "pictures": [], "tables": []}]})
    book.set_mock_caller()
    trainbook.xl.validate()
    alerts = [a for a in book.json()["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1 and "Traceback" not in alerts[0]["args"][0]


def test_merge_button_reads_the_paste_sheet_merges_and_clears_it(tmp_path: Path, demo_book: Path) -> None:
    import datetime as dt

    import python_calamine

    from trainbook.demo import exports

    engine = FileEngine(demo_book)
    master = engine.read()
    student = master.frame("enrollment").iloc[2]
    export = exports.punch_records(tmp_path / "p.xlsx", [(student.to_dict(), dt.datetime(2026, 11, 30, 8, 55))],
                                   dt.date(2026, 11, 30), dt.date(2026, 11, 30))
    pasted = python_calamine.CalamineWorkbook.from_path(str(export)).get_sheet_by_name("原始记录").to_python()
    book = json_book(demo_book)
    paste = book.sheets["粘贴区"]
    paste.api["values"] = [[str(v) for v in row] for row in pasted]  # pasted as values
    book.set_mock_caller()
    trainbook.xl.merge()
    actions = book.json()["actions"]
    names = [s.name for s in book.sheets]
    writes = {names[a["sheet_position"]] for a in actions if a["func"] == "setValues"}
    assert writes == {"考勤", "导入记录", "首页"}
    [written] = [a for a in actions if a["func"] == "setValues" and names[a["sheet_position"]] == "考勤"]
    last = written["values"][-1]
    assert last[:4] == ["C09", student["student_id"], student["name"], "出勤"]
    assert [a for a in actions if a["func"] == "sheetClearContents"][0]["sheet_position"] == names.index("粘贴区")
    alerts = [a for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1 and "新增 1" in alerts[0]["args"][0]


def test_both_engines_write_every_field_of_an_update() -> None:
    """An operation's Update means the same through either engine: each writes every field."""
    import dataclasses
    import inspect

    from trainbook.workbook.xlwings_engine import XlwingsEngine

    for engine, own in ((FileEngine, {"unmark"}), (XlwingsEngine, set())):  # the file engine finds its marks itself
        source = inspect.getsource(engine)
        missing = [f.name for f in dataclasses.fields(Update) if f"update.{f.name}" not in source and f.name not in own]
        assert not missing, (engine.__name__, missing)


class _Series:
    def __init__(self, formula: str) -> None:
        self.Formula = formula


class _Collection:
    def __init__(self, formulas: list[str]) -> None:
        self.items = [_Series(f) for f in formulas]
        self.Count = len(self.items)

    def Item(self, n: int) -> _Series:  # noqa: N802 — Excel's object model
        return self.items[n - 1]


class _Chart:
    def __init__(self, formulas: list[str]) -> None:
        self.collection = _Collection(formulas)
        self.api = (object(), self)

    def SeriesCollection(self) -> _Collection:  # noqa: N802
        return self.collection


def test_the_button_engine_ends_charts_at_the_last_row_through_excels_object_model() -> None:
    from types import SimpleNamespace

    from trainbook.workbook.xlwings_engine import XlwingsEngine

    chart = _Chart(["=SERIES('看板'!$A$4,'看板'!$A$5:$A$105,'看板'!$B$5:$B$105,1)",
                    "=SERIES(,'看板'!$A$5:$A$105,'看板'!$C$5:$C$105,2)"])
    remote = SimpleNamespace(api=None)  # a client without Excel's object model: left as it is
    sheet = SimpleNamespace(name="看板", charts=[chart, remote])
    XlwingsEngine._chart_ranges(sheet, 5, {"A": 9, "B": 9, "C": 7})
    assert [s.Formula for s in chart.collection.items] == [
        "=SERIES('看板'!$A$4,'看板'!$A$5:$A$9,'看板'!$B$5:$B$9,1)", "=SERIES(,'看板'!$A$5:$A$9,'看板'!$C$5:$C$7,2)"]
