"""Nothing the user made is lost: --annotate changes only the issues sheet and its own marks."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import python_calamine
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image as PILImage

import trainbook
from trainbook.workbook.sheet_xml import MARK_DXF, MARK_TOKEN

from .conftest import convert, parts

OUR_MARKS = re.compile(rb"<conditionalFormatting\b(?:(?!</conditionalFormatting>).)*"
                       + MARK_TOKEN.encode() + rb".*?</conditionalFormatting>", re.S)


def decorate(book: Path, tmp_path: Path) -> Path:
    """What a coordinator adds in Excel: a chart, an image, a comment, a conditional format,
    a data validation, an extra column and an extra sheet."""
    wb = openpyxl.load_workbook(book)
    enrollment = wb["报名"]
    enrollment["T1"] = "备用电话"
    for row in range(2, 12):
        enrollment[f"T{row}"] = f"0571-8888{row:04d}"
    enrollment["B2"].comment = Comment("班长", "培训专员")
    enrollment.conditional_formatting.add("F2:F200", CellIsRule(operator="equal", formula=['"销售部"'],
                                                                fill=openpyxl.styles.PatternFill("solid", bgColor="FFEB9C")))
    dv = DataValidation(type="whole", operator="between", formula1="1", formula2="9")
    dv.add("U2:U100")
    enrollment.add_data_validation(dv)
    mine = wb.create_sheet("我的统计")
    mine.append(["部门", "人数"])
    for dept, n in (("研发中心", 22), ("销售部", 22), ("客户成功部", 23)):
        mine.append([dept, n])
    chart = BarChart()
    chart.add_data(Reference(mine, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(mine, min_col=1, min_row=2, max_row=4))
    mine.add_chart(chart, "D2")
    logo = tmp_path / "logo.png"
    PILImage.new("RGB", (60, 30), (200, 30, 30)).save(logo)
    mine.add_image(Image(str(logo)), "D20")
    out = tmp_path / "decorated.xlsx"
    wb.save(out)
    return out


def _without_our_marks(xml: bytes) -> bytes:
    return OUR_MARKS.sub(b"", xml)


def test_annotate_keeps_everything_the_user_added(demo_book: Path, tmp_path: Path, soffice: str) -> None:
    book = decorate(demo_book, tmp_path)
    before = parts(book)
    report = trainbook.validate(book, annotate=True)
    after = parts(book)
    assert report.issues, "the demo program carries planted mistakes to annotate"

    assert set(after) == set(before)
    changed = {name for name in before if before[name] != after[name]}
    sheet_of = {name: n for name, n in _sheet_parts(book).items()}
    marked = {i.sheet_name for i in report.issues if i.cell and i.severity != "info"}  # info is listed, not marked
    assert {sheet_of[p] for p in changed if p in sheet_of} == marked | {"校验结果", "首页"}
    assert changed - set(sheet_of) == {"xl/styles.xml"}
    for part in changed & set(sheet_of):
        if sheet_of[part] not in ("校验结果", "首页"):
            assert _without_our_marks(after[part]) == before[part], f"{part} changed beyond the marks"
            assert len(OUR_MARKS.findall(after[part])) == 1
    assert _styles_without_our_mark(after["xl/styles.xml"]) == before["xl/styles.xml"]

    wb = openpyxl.load_workbook(book)
    assert wb["报名"]["T5"].value == "0571-88880005" and wb["报名"]["B2"].comment.text == "班长"
    assert len(wb["我的统计"]._charts) == 1 and len(wb["我的统计"]._images) == 1
    assert len(wb["报名"].data_validations.dataValidation) == len(
        openpyxl.load_workbook(tmp_path / "decorated.xlsx")["报名"].data_validations.dataValidation)

    trainbook.validate(book, annotate=True)
    home = next(p for p, n in sheet_of.items() if n == "首页")
    again = parts(book)
    assert {k: v for k, v in again.items() if k != home} == {k: v for k, v in after.items() if k != home}, (
        "a second --annotate must replace its marks, not stack them")
    assert "6 个错误，2 个警告".encode() in again[home]

    pdf = convert(soffice, book, "pdf", tmp_path / "lo")
    assert pdf.stat().st_size > 10_000
    roundtrip = convert(soffice, book, "xlsx", tmp_path / "lo-xlsx")
    values = python_calamine.CalamineWorkbook.from_path(str(roundtrip)).get_sheet_by_name("报名").to_python()
    assert values[0][19] == "备用电话" and values[4][19] == "0571-88880005"


def _sheet_parts(book: Path) -> dict[str, str]:
    import zipfile

    from trainbook.workbook.package import sheet_parts

    with zipfile.ZipFile(book) as zf:
        return {p.part: p.name for p in sheet_parts(zf)}


def _styles_without_our_mark(styles: bytes) -> bytes:
    stripped = styles.replace(MARK_DXF.encode(), b"", 1)
    return re.sub(rb'<dxfs count="(\d+)"', lambda m: b'<dxfs count="%d"' % (int(m.group(1)) - 1), stripped)
