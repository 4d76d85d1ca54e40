"""The macro-enabled master: its VBA project is macros/, its buttons are bound to Subs that hand
existing trainbook.xl functions to Python, and every operation keeps them."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from click.testing import CliRunner
from oletools.olevba import VBA_Parser

import trainbook
import trainbook.xl
from trainbook.cli import main
from trainbook.schema.buttons import BUTTONS, MODULE, vba_module
from trainbook.workbook import macros
from trainbook.workbook.package import PackageEdit, sheet_parts

from .conftest import clean_tables, convert, json_book, parts, write_tables

ROOT = Path(__file__).resolve().parent.parent
SUB = re.compile(r"^Sub (\w+)\(\)\s*\n\s*RunPython \"([^\"]+)\"", re.M)


def modules(path: Path) -> dict[str, str]:
    """Module name → source, as oletools reads them from a workbook or a vbaProject.bin."""
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def buttons_in(path: Path, sheet: str) -> dict[str, str]:
    """Caption → bound macro of every form button in `sheet`'s VML drawing."""
    with zipfile.ZipFile(path) as zf:
        part = next(p.part for p in sheet_parts(zf) if p.name == sheet)
        [drawing] = PackageEdit(zf).related(part, macros.VML_REL)
        vml = zf.read(drawing).decode()
    shapes = re.findall(r"<font[^>]*>([^<]+)</font>.*?<x:ClientData ObjectType=\"Button\">.*?"
                        r"<x:FmlaMacro>\[0\]!([\w.]+)</x:FmlaMacro>", vml, re.S)
    return dict(shapes)


@pytest.fixture(scope="module")
def macro_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return trainbook.init(tmp_path_factory.mktemp("xlsm") / "项目.xlsm", macros=True)


def test_the_committed_project_is_macros_and_the_installed_xlwings() -> None:
    import xlwings

    committed = modules(ROOT / "trainbook" / "data" / "vbaProject.bin")
    assert (ROOT / "macros" / f"{MODULE}.bas").read_text(encoding="ascii") == vba_module(), (
        "the buttons changed: run python macros/build_vba_project.py")
    for source in (ROOT / "macros").glob("*.bas"):
        assert source.read_text(encoding="ascii").strip() == committed[source.stem].strip(), (
            f"{source.name} changed: run python macros/build_vba_project.py")
    assert f"'Version: {xlwings.__version__}" in committed["xlwings"], "rebuild the VBA project for this xlwings"
    assert "Dictionary" in committed


def test_init_macros_makes_a_macro_enabled_book_whose_buttons_call_python(macro_book: Path) -> None:
    with zipfile.ZipFile(macro_book) as zf:
        types = zf.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
        assert "xl/vbaProject.bin" in zf.namelist()
    subs = dict(SUB.findall(modules(macro_book)[MODULE]))
    bound = buttons_in(macro_book, "首页")
    assert bound == {b.caption("zh"): b.macro for b in BUTTONS}
    for caption, macro in bound.items():
        module, sub = macro.split(".")
        assert module == MODULE and sub in subs, f"{caption}: no Sub {sub}"
        command = re.fullmatch(r"import trainbook\.xl; trainbook\.xl\.(\w+)\(\)", subs[sub])
        assert command and callable(getattr(trainbook.xl, command.group(1), None)), subs[sub]
    home = openpyxl.load_workbook(macro_book, keep_vba=True)["首页"]
    explained = {home.cell(row, 7).value for row in range(1, 40)} - {None}
    assert explained == {b.explain("zh") for b in BUTTONS}


def test_the_conf_sheet_names_the_python_that_made_the_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "executable", r"C:\Python311\python.exe")
    book = trainbook.init(tmp_path / "w.xlsm", macros=True, lang="en")
    wb = openpyxl.load_workbook(book)
    conf = wb[macros.CONF_SHEET]
    assert (conf["A1"].value, conf["B1"].value) == ("Interpreter_Win", r"C:\Python311\pythonw.exe")
    assert conf["A2"].value == "Interpreter_Mac" and conf["A3"].value is None  # xlwings reads A1 down
    assert "python" in conf["D1"].value and conf.sheet_state == "visible"
    assert conf.sheet_properties.tabColor.rgb.endswith(trainbook.schema.sheets.BY_KEY["settings"].tab_color[1:])


def test_init_refuses_an_xlsm_without_macros(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "a.xlsm")])
    assert result.exit_code == 2 and "--macros" in result.output
    result = CliRunner().invoke(main, ["init", str(tmp_path / "a.xlsx"), "--macros"])
    assert result.exit_code == 2 and ".xlsm" in result.output


def test_buttons_copies_a_decorated_master_and_operations_keep_the_project(tmp_path: Path, soffice: str) -> None:
    from tests.test_preservation import decorate

    book = decorate(write_tables(trainbook.init(tmp_path / "m.xlsx"), clean_tables()), tmp_path)
    before = book.read_bytes()
    result = CliRunner().invoke(main, ["buttons", str(book), "--out", str(tmp_path / "m.xlsm")])
    assert result.exit_code == 0, result.output
    xlsm = tmp_path / "m.xlsm"
    assert book.read_bytes() == before, "the .xlsx is left as it is"
    plain, macro = parts(book), parts(xlsm)
    untouched = set(plain) - {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    home = next(p.part for p in sheet_parts(zipfile.ZipFile(book)) if p.name == "首页")
    assert {k for k in untouched if plain[k] != macro[k]} <= {home, "xl/worksheets/_rels/sheet1.xml.rels"}
    original = python_calamine.CalamineWorkbook.from_path(str(book))
    copy = python_calamine.CalamineWorkbook.from_path(str(xlsm))
    assert copy.sheet_names == [*original.sheet_names, macros.CONF_SHEET]
    for name in original.sheet_names:
        if name != "首页":
            assert copy.get_sheet_by_name(name).to_python() == original.get_sheet_by_name(name).to_python()
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    assert len(wb["我的统计"]._charts) == 1 and wb["报名"]["B2"].comment.text == "班长"

    project, drawing = macro["xl/vbaProject.bin"], buttons_in(xlsm, "首页")
    trainbook.validate(xlsm, annotate=True)
    trainbook.progress(xlsm, as_of="2026-11-29")
    from trainbook.demo import exports

    person = clean_tables()["enrollment"].iloc[2].to_dict()
    import datetime as dt

    trainbook.merge(xlsm, exports.punch_records(tmp_path / "p.xlsx", [(person, dt.datetime(2026, 11, 2, 8, 50))],
                                                dt.date(2026, 11, 2), dt.date(2026, 11, 2)))
    after = parts(xlsm)
    assert after["xl/vbaProject.bin"] == project and buttons_in(xlsm, "首页") == drawing
    assert "macroEnabled" in after["[Content_Types].xml"].decode()
    pdf = convert(soffice, xlsm, "pdf", tmp_path / "lo")
    assert pdf.stat().st_size > 10_000


@pytest.mark.parametrize("button", BUTTONS, ids=lambda b: b.function)
def test_every_button_runs_through_the_json_book_engine(button, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from trainbook.demo import build_demo_book
    from trainbook.notify.local_robot import LocalRobot

    monkeypatch.chdir(tmp_path)  # a JSON book has no folder: what a button prints goes to the current one
    with LocalRobot() as robot:  # the send button's robot is on this PC; here, a local one
        book = build_demo_book(tmp_path / "demo.xlsx")
        if button.function == "send":
            trainbook.notices(book, as_of="2026-11-29")
            monkeypatch.setenv("TRAINBOOK_ROBOT_WEBHOOK", robot.url)
        if button.function == "merge":
            from trainbook.demo.exports import punch_records

            person = clean_tables()["enrollment"].iloc[2].to_dict()
            import datetime as dt

            export = punch_records(tmp_path / "p.xlsx", [(person, dt.datetime(2026, 11, 2, 8, 50))],
                                   dt.date(2026, 11, 2), dt.date(2026, 11, 2))
            rows = python_calamine.CalamineWorkbook.from_path(str(export)).get_sheet_by_name("原始记录").to_python()
            write_paste(book, rows)
        xl_book = json_book(book)
        xl_book.set_mock_caller()
        getattr(trainbook.xl, button.function)()
        actions = xl_book.json()["actions"]
        alerts = [a for a in actions if a["func"] == "alert"]
        assert len(alerts) == 1 and "出错" not in alerts[0]["args"][0], alerts
        if button.function == "send":
            assert robot.received and f"已发送 {len(robot.received)} 条消息" in alerts[0]["args"][0]
        if button.function == "share":  # a new file beside the book; the book itself is not written
            assert (tmp_path / "demo-管理层报表.xlsx").exists() and "管理层报表" in alerts[0]["args"][0]
            assert not [a for a in actions if a["func"] not in ("alert", "activateSheet")], actions
        if button.function == "qr":  # a picture per session held in a room, each on its page's cell
            pictures = [a for a in actions if a["func"] == "addPicture"]
            assert len(pictures) == 8 and len({a["args"][2] for a in pictures}) == 8
        per_sheet: dict[int, int] = {}
        for action in actions:
            if action["func"] == "setValues":
                per_sheet[action["sheet_position"]] = per_sheet.get(action["sheet_position"], 0) + 1
        assert max(per_sheet.values(), default=0) <= 4, per_sheet


def write_paste(book: Path, rows: list[list[object]]) -> None:
    wb = openpyxl.load_workbook(book)
    for row in rows:
        wb["粘贴区"].append(row)
    wb.save(book)


def test_buttons_join_a_home_sheet_with_comments_and_a_rerun_refreshes_in_place(tmp_path: Path) -> None:
    from openpyxl.comments import Comment

    book = trainbook.init(tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["首页"]["A1"].comment = Comment("本项目负责人：王老师", "培训专员")
    wb.save(book)
    xlsm = trainbook.buttons(book)
    assert buttons_in(xlsm, "首页") == {b.caption("zh"): b.macro for b in BUTTONS}
    assert openpyxl.load_workbook(xlsm, keep_vba=True)["首页"]["A1"].comment.text == "本项目负责人：王老师"
    before = parts(xlsm)
    again = CliRunner().invoke(main, ["buttons", str(xlsm)])
    assert again.exit_code == 0, again.output
    assert buttons_in(xlsm, "首页") == {b.caption("zh"): b.macro for b in BUTTONS}, "no second set of buttons"
    assert parts(xlsm).keys() == before.keys()
    refused = CliRunner().invoke(main, ["buttons", str(book)])
    assert refused.exit_code == 2 and f"trainbook buttons {xlsm}" in refused.output


STUB = """Attribute VB_Name = "xlwings"
Public Function RunPython(PythonCommand As String)
    ThisWorkbook.Worksheets("xlwings.conf").Range("F1").Value = PythonCommand
End Function
"""


def test_libreoffice_runs_every_buttons_sub_and_sees_the_buttons_bound(macro_book: Path, tmp_path: Path,
                                                                         soffice: str) -> None:
    """A test build whose RunPython records its argument: LibreOffice runs each button's Sub, and
    each hands Python the command of its button."""
    import importlib.util

    from .lo_macros import run_macros

    spec = importlib.util.spec_from_file_location("build_vba_project", ROOT / "macros" / "build_vba_project.py")
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    stub = builder.build(tmp_path / "stub.bin", stub=STUB).read_bytes()
    test_book = tmp_path / "stub.xlsm"
    with zipfile.ZipFile(macro_book) as zin, zipfile.ZipFile(test_book, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, stub if info.filename == "xl/vbaProject.bin" else zin.read(info.filename))
    jobs = [b.macro for b in BUTTONS] + ["buttons:首页"]
    results = run_macros(soffice, test_book, jobs, tmp_path / "lo")
    for button, (job, outcome, stored) in zip(BUTTONS, results):
        assert outcome == "OK", (job, outcome)
        conf = python_calamine.CalamineWorkbook.from_path(str(stored)).get_sheet_by_name(macros.CONF_SHEET)
        recorded = {str(cell) for row in conf.to_python() for cell in row}
        assert button.command in recorded, (job, recorded)
    job, outcome, _ = results[-1]
    bound = dict(item.split("=", 1) for item in outcome.removeprefix("OK ").split("|") if item)
    assert bound == {b.caption("zh"): f"vnd.sun.star.script:VBAProject.{b.macro}?language=Basic&location=document"
                     for b in BUTTONS}


def streams(path: Path) -> dict[str, bytes]:
    """The VBA project's module streams, byte for byte."""
    import olefile

    with zipfile.ZipFile(path) as zf:
        ole = olefile.OleFileIO(zf.read("xl/vbaProject.bin"))
    try:
        return {"/".join(entry): ole.openstream(entry).read() for entry in ole.listdir() if entry[0] == "VBA"}
    finally:
        ole.close()


def test_buttons_on_a_workbook_with_macros_of_its_own_keeps_them(tmp_path: Path) -> None:
    """Her Module1 stays, byte for byte; an older trainbook module in the same project is updated."""
    from pyopenvba import ExcelFile

    xlsm = trainbook.buttons(trainbook.init(tmp_path / "m.xlsx"))
    own = 'Attribute VB_Name = "Module1"\r\nSub Weekly()\r\n    MsgBox "weekly summary"\r\nEnd Sub\r\n'
    with ExcelFile(xlsm) as wb:
        wb.vba_project().add_module("Module1", own)
        wb.set_module(MODULE, 'Attribute VB_Name = "trainbook"\r\nSub Old()\r\nEnd Sub\r\n')
        wb.save(xlsm)
    hers = {k: v for k, v in streams(xlsm).items() if k == "VBA/Module1"}
    result = CliRunner().invoke(main, ["buttons", str(xlsm)])
    assert result.exit_code == 0, result.output
    after = modules(xlsm)
    assert "weekly summary" in after["Module1"] and {k: streams(xlsm)[k] for k in hers} == hers, "her module as it was"
    assert after[MODULE].strip() == (ROOT / "macros" / f"{MODULE}.bas").read_text(encoding="ascii").strip()
    assert set(after) >= {"Module1", MODULE, "xlwings", "Dictionary"}
    assert buttons_in(xlsm, "首页") == {b.caption("zh"): b.macro for b in BUTTONS}


def test_buttons_refuses_a_project_it_would_spoil(tmp_path: Path) -> None:
    """A signed project (its signature would no longer hold): exit 2 with why, the workbook untouched."""
    from pyopenvba import ExcelFile

    xlsm = trainbook.buttons(trainbook.init(tmp_path / "m.xlsx"))
    with ExcelFile(xlsm) as wb:
        wb.vba_project().add_module("Module1", 'Attribute VB_Name = "Module1"\r\nSub A()\r\nEnd Sub\r\n')
        wb.save(xlsm)
    signed = tmp_path / "signed.xlsm"
    with zipfile.ZipFile(xlsm) as zin, zipfile.ZipFile(signed, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/_rels/vbaProject.bin.rels",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
                      '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                      f'Type="{macros.VBA_SIGNATURES[2]}" Target="vbaProjectSignatureV3.bin"/></Relationships>')
        zout.writestr("xl/vbaProjectSignatureV3.bin", b"\0" * 64)
    before = signed.read_bytes()
    result = CliRunner().invoke(main, ["buttons", str(signed)])
    assert result.exit_code == 2 and "数字签名" in result.output and "Traceback" not in result.output, result.output
    assert signed.read_bytes() == before


def test_buttons_refuses_a_workbook_that_is_no_master(tmp_path: Path) -> None:
    export = tmp_path / "原始记录.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "原始记录"
    book.active.append(["姓名", "打卡时间"])
    book.save(export)
    result = CliRunner().invoke(main, ["buttons", str(export)])
    assert result.exit_code == 2 and "看起来是一份钉钉导出，不是主工作簿" in result.output, result.output
    assert not export.with_suffix(".xlsm").exists()
