"""Input sheets are patched cell by cell: what a coordinator adds in Excel stays on its record
through every operation, whether openpyxl or another program wrote it."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import python_calamine
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.table import Table

import trainbook
from trainbook.demo import exports
from trainbook.workbook.package import sheet_parts

from .conftest import clean_tables, convert, init, parts, write_tables

YELLOW = "FFFFFF00"
C03 = dt.datetime(2026, 11, 9, 9, 20)  # 职场沟通, offline, 09:30, group G01


def sheet_part(book: Path, name: str) -> str:
    with zipfile.ZipFile(book) as zf:
        return next(p.part for p in sheet_parts(zf) if p.name == name)


def people(tables: dict[str, pd.DataFrame], ids: list[str]) -> list[dict]:
    rows = tables["enrollment"].set_index("student_id")
    return [{"student_id": i, **rows.loc[i].to_dict()} for i in ids]


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    tables = clean_tables()
    tables["attendance"] = tables["attendance"][tables["attendance"]["session_id"] == "C01"]
    return tables


def decorate(book: Path) -> Path:
    """What a coordinator does in Excel, written by openpyxl."""
    wb = openpyxl.load_workbook(book)
    att = wb["考勤"]
    last = att.max_row
    att["J1"] = "组合"
    for r in range(2, last + 1):
        att[f"J{r}"] = f"=A{r}&B{r}"
    att["D3"].font = Font(bold=True)
    att["D3"].fill = PatternFill("solid", fgColor=YELLOW)
    att["B4"].hyperlink = "https://example.com/b4"
    att["C5"].comment = Comment("请假条已收", "培训专员")
    att.row_dimensions[6].hidden = True
    att.row_dimensions[7].height = 30
    att["K2"] = "备注区"
    att.merge_cells("K2:L2")
    att.auto_filter.ref = None  # a table and a sheet filter cannot overlap (Excel drops the filter too)
    att.add_table(Table(displayName="Attendance", ref=f"A1:J{last}"))
    enr = wb["报名"]
    enr["T1"] = "姓名长度"
    for r in range(2, enr.max_row + 1):
        enr[f"T{r}"] = f"=LEN(B{r})"
    enr["D3"].hyperlink = "mailto:someone@example.com"
    enr["F4"].fill = PatternFill("solid", fgColor=YELLOW)
    enr.row_dimensions[5].height = 28
    wb.save(book)
    return book


def edit_xml(book: Path, name: str, edit) -> None:
    """Change one sheet's XML directly, as a program other than openpyxl would write it."""
    part = sheet_part(book, name)
    with zipfile.ZipFile(book) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info, edit(data) if info.filename == part else data)


def shared_formula_column(xml: bytes) -> bytes:
    """Column U of 报名: one shared formula (=B2&"-"&F2) over every data row, and row 9 hidden."""
    rows = [int(r) for r in re.findall(rb'<row r="(\d+)"', xml) if int(r) > 1]

    def add(match: re.Match[bytes]) -> bytes:
        row = int(match.group(1))
        if row == 1:
            cell = b'<c r="U1" t="inlineStr"><is><t>\xe8\x81\x94\xe7\xbb\x93</t></is></c>'
        elif row == rows[0]:
            cell = b'<c r="U%d"><f t="shared" ref="U%d:U%d" si="7">B%d&amp;"-"&amp;F%d</f></c>' % (
                row, row, rows[-1], row, row)
        else:
            cell = b'<c r="U%d"><f t="shared" si="7"/></c>' % row
        return match.group(0)[: -len(b"</row>")] + cell + b"</row>"

    xml = re.sub(rb'<row r="(\d+)"[^>]*>.*?</row>', add, xml, flags=re.S)
    return xml.replace(b'<row r="9"', b'<row r="9" hidden="1"', 1)


@pytest.fixture
def decorated(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    book = write_tables(init(tmp_path / "master.xlsx"), tables)
    decorate(book)
    edit_xml(book, "报名", shared_formula_column)
    return book


def enrollment_form(path: Path) -> Path:
    rows = [["报名表 导出时间：2026-10-15"],
            ["提交人", "提交时间", "部门", "姓名", "手机号"],
            ["周小川", "2026/10/12 9:30", "研发中心", "周小川", "13912345601"],
            ["钱多多", "2026/10/12 9:40", "销售部", "钱多多", "13912345602"]]
    path.write_bytes(exports.csv_bytes(rows, "utf-8-sig"))
    return path


def test_every_operation_keeps_what_the_user_added(decorated: Path, tables, tmp_path: Path, soffice: str) -> None:
    old_last = openpyxl.load_workbook(decorated)["考勤"].max_row
    trainbook.validate(decorated, annotate=True)
    [form] = trainbook.merge(decorated, enrollment_form(tmp_path / "报名.csv"))
    assert form.inserted == 2
    g01 = tables["enrollment"][tables["enrollment"]["group_id"] == "G01"]["student_id"].tolist()[:5]
    punches = [(person, C03) for person in people(tables, g01)]
    [punch] = trainbook.merge(decorated, exports.punch_records(tmp_path / "原始记录.xlsx", punches,
                                                              dt.date(2026, 11, 9), dt.date(2026, 11, 9)))
    assert punch.inserted == 5
    trainbook.progress(decorated, as_of="2026-11-29")

    wb = openpyxl.load_workbook(decorated)
    att = wb["考勤"]
    new_last = att.max_row
    assert new_last == old_last + 5
    assert [att[f"J{r}"].value for r in (2, old_last, old_last + 1, new_last)] == [
        "=A2&B2", f"=A{old_last}&B{old_last}", f"=A{old_last + 1}&B{old_last + 1}", f"=A{new_last}&B{new_last}"]
    assert att["D3"].font.b and att["D3"].fill.fgColor.rgb == YELLOW
    assert att["B4"].hyperlink.target == "https://example.com/b4"
    assert att["C5"].comment.text == "请假条已收"
    assert att.row_dimensions[6].hidden and att.row_dimensions[7].height == 30
    assert [str(r) for r in att.merged_cells.ranges] == ["K2:L2"]
    assert att.tables["Attendance"].ref == f"A1:J{new_last}", "the table grows over the appended rows"
    assert att[f"A{new_last}"].value == "C03" and att[f"D{new_last}"].value == "出勤"

    enr = wb["报名"]
    last = enr.max_row
    assert enr["T2"].value == "=LEN(B2)" and enr[f"T{last}"].value == f"=LEN(B{last})"
    assert enr[f"U{last}"].value == f'=B{last}&"-"&F{last}', "a shared formula column is carried down too"
    assert enr["D3"].hyperlink.target == "mailto:someone@example.com"
    assert enr["F4"].fill.fgColor.rgb == YELLOW and enr.row_dimensions[5].height == 28
    assert enr.row_dimensions[9].hidden
    assert enr[f"B{last}"].value == "钱多多" and enr[f"A{last}"].value == f"S{len(tables['enrollment']) + 2:04d}"

    computed = convert(soffice, decorated, "xlsx", tmp_path / "lo")
    values = python_calamine.CalamineWorkbook.from_path(str(computed))
    attendance = values.get_sheet_by_name("考勤").to_python()
    assert attendance[new_last - 1][9] == "C03" + attendance[new_last - 1][1], "LibreOffice computes carried formulas"
    enrollment = values.get_sheet_by_name("报名").to_python()
    assert enrollment[last - 1][19] == 3 and enrollment[last - 1][20] == "钱多多-销售部"


def test_a_merge_that_changes_nothing_leaves_every_input_sheet_as_it_was(decorated: Path, tables,
                                                                        tmp_path: Path) -> None:
    g01 = tables["enrollment"][tables["enrollment"]["group_id"] == "G01"]["student_id"].tolist()[:5]
    punches = [(person, C03) for person in people(tables, g01)]
    trainbook.merge(decorated, exports.punch_records(tmp_path / "a.xlsx", punches, dt.date(2026, 11, 9),
                                                     dt.date(2026, 11, 9)))
    before = parts(decorated)
    again = exports.punch_records(tmp_path / "b.xlsx", punches, dt.date(2026, 11, 8), dt.date(2026, 11, 9))
    [result] = trainbook.merge(decorated, again)
    assert (result.inserted, result.updated, result.already_imported) == (0, 0, False)
    after = parts(decorated)
    with zipfile.ZipFile(decorated) as zf:
        inputs = {p.part for p in sheet_parts(zf) if p.name not in ("导入记录", "首页", "待确认")}
    assert {p: after[p] for p in inputs} == {p: before[p] for p in inputs}
    assert set(after) == set(before)


CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def test_a_merge_that_changes_three_cells_changes_exactly_those_three(decorated: Path, tables,
                                                                      tmp_path: Path) -> None:
    book = trainbook.read(decorated)
    rows = book.frame("attendance")
    late = rows[(rows["status"] == "迟到") & rows["checkout_at"].isna()].iloc[0]
    [who] = people(tables, [late["student_id"]])
    part = sheet_part(decorated, "考勤")
    before = parts(decorated)[part]
    export = exports.punch_records(tmp_path / "原始记录.xlsx", [(who, dt.datetime(2026, 11, 2, 8, 55))],
                                   dt.date(2026, 11, 2), dt.date(2026, 11, 2))
    [result] = trainbook.merge(decorated, export)
    assert result.updated == 1
    after = parts(decorated)[part]
    old = {m.group(1): m.group(0) for m in CELL.finditer(before)}
    new = {m.group(1): m.group(0) for m in CELL.finditer(after)}
    changed = {ref.decode() for ref in old.keys() | new.keys() if old.get(ref) != new.get(ref)}
    row = late.name
    assert changed == {f"D{row}", f"E{row}", f"H{row}"}, "status, check-in time and source"
    assert CELL.sub(b"", after) == CELL.sub(b"", before), "nothing else in the sheet changed"
    assert trainbook.read(decorated).frame("attendance").loc[row, "status"] == "出勤"


def test_progress_leaves_a_users_own_chart_alone(tmp_path: Path) -> None:
    from tests.test_preservation import decorate as add_user_extras

    book = add_user_extras(write_tables(init(tmp_path / "m.xlsx"), clean_tables()), tmp_path)
    with zipfile.ZipFile(book) as zf:
        charts = {n: zf.read(n) for n in zf.namelist() if n.startswith("xl/charts/chart")}
    user_chart = next(n for n, xml in charts.items() if "我的统计".encode() in xml)
    trainbook.progress(book, as_of="2026-11-29")
    after = parts(book)
    assert after[user_chart] == charts[user_chart], "a chart of the user's own sheet keeps its cached values"
    dashboard = [n for n, xml in charts.items() if "看板".encode() in xml]
    assert dashboard and all(after[n] != charts[n] for n in dashboard)


def test_the_package_writer_adds_parts_that_readers_accept(tmp_path: Path, soffice: str) -> None:
    """A picture added as new parts (media, drawing, their relationships and content types) and
    the workbook's content type changed: openpyxl, calamine and LibreOffice all read the result."""
    import io

    from PIL import Image

    from trainbook.workbook.package import PackageEdit, rewrite

    book = init(tmp_path / "m.xlsx")
    png = io.BytesIO()
    Image.new("RGB", (40, 40), (20, 120, 200)).save(png, "PNG")
    drawing = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               b'<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
               b'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               b'<xdr:oneCellAnchor><xdr:from><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>'
               b'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="381000" cy="381000"/><xdr:pic><xdr:nvPicPr>'
               b'<xdr:cNvPr id="2" name="QR"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1"/>'
               b'<a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
               b'<a:ext cx="381000" cy="381000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
               b'</xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>')
    sheet = sheet_part(book, "分组")
    out = tmp_path / "with-picture.xlsx"
    with zipfile.ZipFile(book) as zf:
        package = PackageEdit(zf)
        image, drawn = package.free_name("xl/media/image{}.png"), package.free_name("xl/drawings/drawing{}.xml")
        package.add_part(image, png.getvalue(), "image/png")
        package.add_part(drawn, drawing, "application/vnd.openxmlformats-officedocument.drawing+xml")
        package.relate(drawn, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
                       "../media/" + image.rsplit("/", 1)[1])
        rid = package.relate(sheet, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing",
                             "../drawings/" + drawn.rsplit("/", 1)[1])
        xml = package.read(sheet)
        at = xml.find(b"</worksheet>")
        package.replace(sheet, [xml[:at] + f'<drawing r:id="{rid}"/>'.encode() + xml[at:]])
        rewrite(book, out, package.replaced)
    before, after = parts(book), parts(out)
    assert {k for k in after if k not in before} == {image, drawn, f"xl/drawings/_rels/{drawn.rsplit('/', 1)[1]}.rels",
                                                     f"xl/worksheets/_rels/{sheet.rsplit('/', 1)[1]}.rels"}
    untouched = set(before) - {sheet, "[Content_Types].xml"}
    assert all(after[k] == before[k] for k in untouched)
    assert len(openpyxl.load_workbook(out)["分组"]._images) == 1
    assert python_calamine.CalamineWorkbook.from_path(str(out)).sheet_names == openpyxl.load_workbook(book).sheetnames
    pdf = convert(soffice, out, "pdf", tmp_path / "lo")
    assert pdf.stat().st_size > 1000


def test_new_rows_fill_rows_a_formula_was_filled_down_into(tmp_path: Path, tables) -> None:
    book = write_tables(init(tmp_path / "m.xlsx"), {"enrollment": tables["enrollment"].head(2)})
    wb = openpyxl.load_workbook(book)
    wb["报名"]["T1"] = "等级"
    for r in range(2, 21):
        wb["报名"][f"T{r}"] = f'=IF(B{r}="","",IF(LEN(B{r})>2,"A1级","B1级"))'
    wb.save(book)
    computed = convert_to_xlsx_in_place(book, tmp_path)
    [result] = trainbook.merge(computed, enrollment_form(tmp_path / "报名.csv"))
    assert result.inserted == 2
    enr = openpyxl.load_workbook(computed)["报名"]
    assert [enr[f"B{r}"].value for r in (4, 5)] == ["周小川", "钱多多"], "into the rows the formula already covers"
    assert enr["T4"].value.startswith("=IF(B4") and enr["B21"].value is None


def convert_to_xlsx_in_place(book: Path, tmp_path: Path) -> Path:
    """The workbook as a spreadsheet program saves it (formulas with their cached results)."""
    import shutil
    import subprocess

    out = tmp_path / "lo-saved"
    out.mkdir()
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{tmp_path}/lo-p", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(book)], capture_output=True, timeout=180)
    return out / book.name


def test_a_formula_with_quoted_text_like_a_reference_is_carried_down(tmp_path: Path, tables) -> None:
    book = write_tables(init(tmp_path / "m.xlsx"), {"enrollment": tables["enrollment"].head(2)})
    wb = openpyxl.load_workbook(book)
    wb["报名"]["T1"] = "等级"
    for r in (2, 3):
        wb["报名"][f"T{r}"] = f'=IF(LEN(B{r})>2,"A1级","B1级")&"-Q1"'
    wb.save(book)
    trainbook.merge(book, enrollment_form(tmp_path / "报名.csv"))
    assert openpyxl.load_workbook(book)["报名"]["T5"].value == '=IF(LEN(B5)>2,"A1级","B1级")&"-Q1"'


def test_a_table_with_a_totals_row_is_refused_not_written_below(tmp_path: Path, tables) -> None:
    book = write_tables(init(tmp_path / "m.xlsx"), {"enrollment": tables["enrollment"].head(2)})
    wb = openpyxl.load_workbook(book)
    ws = wb["报名"]
    ws.auto_filter.ref = None
    table = Table(displayName="Roster", ref="A1:S4")
    table.totalsRowCount = 1
    ws["A4"] = "合计"
    ws.add_table(table)
    wb.save(book)
    before = book.read_bytes()
    with pytest.raises(trainbook.InputError, match="汇总行"):
        trainbook.merge(book, enrollment_form(tmp_path / "报名.csv"))
    assert book.read_bytes() == before
