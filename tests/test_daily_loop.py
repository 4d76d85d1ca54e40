"""The everyday loop — validate, merge, review, notices — stays right after a wrong click: the same
findings either way, blanks that never reach a text, the wrong file named for what it is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

import trainbook
from trainbook.cli import main

from .conftest import AS_OF, NOW, clean_tables, init, named, parts, write_tables

WHERE = ("sheet", "row", "column", "code")


def test_plain_and_annotated_validation_find_the_same(tmp_path: Path) -> None:
    path = init(tmp_path / "m.xlsx")
    tables = clean_tables()
    enrollment = tables["enrollment"]
    twins = enrollment.iloc[[3, 4]].copy()  # typed in again, without an id: the same people twice
    twins["student_id"] = None
    newcomer = enrollment.iloc[[5, 5]].copy()  # someone new, typed twice, never given an id
    newcomer[["student_id", "name", "mobile"]] = [None, "新同学", "13912345678"]
    tables["enrollment"] = pd.concat([enrollment, twins, newcomer], ignore_index=True)
    write_tables(path, {**tables, "settings": named(path)})
    plain = trainbook.validate(path, as_of=AS_OF)
    annotated = trainbook.validate(path, as_of=AS_OF, annotate=True)
    assert {"possible-duplicate"} <= {i.code for i in plain.issues}
    assert sorted(plain.flatten(WHERE), key=str) == sorted(annotated.flatten(WHERE), key=str)
    again = trainbook.validate(path, as_of=AS_OF)  # now with the ids the annotation assigned
    assert sorted(again.flatten(WHERE), key=str) == sorted(plain.flatten(WHERE), key=str)
    messages = [i.message for i in plain.issues if i.code == "possible-duplicate"]
    assert any("行的学员" in m for m in messages), "a row without an id is named by its row"


def test_a_clearly_meant_choice_is_suggested(clean_book: Path) -> None:
    enrollment = trainbook.read(clean_book).frame("enrollment").copy()
    enrollment.loc[enrollment.index[0], "review_status"] = "通过"
    write_tables(clean_book, {"enrollment": enrollment})
    [finding] = [i for i in trainbook.validate(clean_book, as_of=AS_OF).issues if i.code == "invalid-choice"]
    assert "（是不是“已通过”？）" in finding.message and finding.column == "review_status"


def test_a_student_without_a_name_holds_her_notices_and_shows_as_unnamed(notices_book: Path) -> None:
    enrollment = trainbook.read(notices_book).frame("enrollment").copy()
    enrollment.loc[enrollment["student_id"] == "A", "name"] = None
    write_tables(notices_book, {"enrollment": enrollment})
    run = trainbook.notices(notices_book, as_of=AS_OF, now=NOW)
    hers = run.rows[run.rows["student_id"] == "A"]
    assert len(hers) and hers["body"].isna().all() and hers["subject"].isna().all()
    assert hers["note"].str.contains("学员没有姓名").all()
    assert not run.rows["body"].dropna().str.startswith("，").any(), "no text begins with a missing name"
    student_rows = hers[hers["audience"] == "student"]
    assert (student_rows["recipient"] == "（未填姓名）").all()


def test_a_program_without_a_name_holds_its_notices_and_is_a_finding(notices_book: Path) -> None:
    settings = trainbook.read(notices_book).frame("settings").copy()
    settings.loc[settings["key"] == "program_name", "value"] = None
    write_tables(notices_book, {"settings": settings})
    run = trainbook.notices(notices_book, as_of=AS_OF, now=NOW)
    assert not run.rows["subject"].dropna().str.contains("【】").any()
    assert run.rows["note"].dropna().str.contains("设置里没有项目名称").any()
    codes = {(i.sheet, i.code) for i in trainbook.validate(notices_book, as_of=AS_OF).issues}
    assert ("settings", "program-name-missing") in codes


def test_a_workbook_that_is_not_a_master_is_named_for_what_it_is(demo_book: Path, tmp_path: Path) -> None:
    report = tmp_path / "报表.xlsx"
    trainbook.share(demo_book, out=report, as_of="2026-11-29")
    before = parts(report)
    result = CliRunner().invoke(main, ["validate", str(report)])
    assert result.exit_code == 2 and "是管理层报表" in result.output and "Traceback" not in result.output
    assert parts(report) == before
    from trainbook.demo import exports
    from trainbook.demo.program import sample_program

    [grid] = [f for f in exports.program_exports(sample_program("zh"), tmp_path / "x") if "打卡时间" in f.name]
    result = CliRunner().invoke(main, ["progress", str(grid)])
    assert result.exit_code == 2 and "看起来是一份钉钉导出" in result.output and "trainbook merge" in result.output


NEVER_DONE = """
import sys, threading
from trainbook.workbook import early
early.parse_sheet = lambda *args: threading.Event().wait()  # a head start that never ends
from trainbook.cli import main
main(["validate", sys.argv[1]])
"""


def test_a_command_refused_before_it_reads_does_not_wait_for_its_head_start() -> None:
    """An export given as the master is refused before it is read: the command exits then, not once
    the parse of its largest sheet begun meanwhile (seconds, for a big export) is done."""
    export = Path(__file__).parent / "data" / "golden" / "daily_two_rows.xlsx"
    run = subprocess.run([sys.executable, "-c", NEVER_DONE, str(export)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2 and "看起来是一份钉钉导出" in run.stderr


def test_help_lists_every_operation_with_what_it_does() -> None:
    import ast
    import re

    for name in trainbook.OPERATIONS:
        assert re.search(rf"^    {name} +\S", trainbook.__doc__ or "", re.M), f"help(trainbook) does not list {name}"
        assert callable(getattr(trainbook, name))
    source = ast.parse(Path(trainbook.__file__).read_text(encoding="utf-8"))
    typed = {alias.name for node in ast.walk(source) if isinstance(node, ast.ImportFrom)
             and node.module == "trainbook.operations" for alias in node.names}
    assert typed == set(trainbook.OPERATIONS), "what type checkers see of trainbook is its operations"


def test_many_books_validate_into_one_table_with_their_paths(clean_book: Path, blank_book: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    reports = trainbook.validate([clean_book, blank_book, broken], as_of=AS_OF)
    assert [r.path for r in reports] == [str(clean_book), str(blank_book), str(broken)]
    assert reports[2].error and not reports[2].ok and reports[0].ok
    table = reports.to_frame()
    assert list(table.columns[:2]) == ["path", "severity"]
    assert set(table["path"]) == {str(blank_book), str(broken)}, "a clean book has no rows; a broken one says why"
    assert table.loc[table["path"] == str(broken), "error"].str.len().iloc[0] > 0


def test_a_date_that_cannot_be_read_is_said_with_its_row(demo_book: Path, tmp_path: Path) -> None:
    student = trainbook.read(demo_book).frame("enrollment").iloc[2]
    export = tmp_path / "作业.csv"
    export.write_text("作业名称,姓名,部门,提交状态,提交时间\n"
                      f"入职心得,{student['name']},{student['department']},已提交,9999-12-31\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["merge", str(demo_book), str(export)])
    assert result.exit_code == 0, result.output
    assert "第 2 行“提交时间”的“9999-12-31”" in result.output and "按没有时间处理" in result.output
