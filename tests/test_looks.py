"""What people look at, printed as LibreOffice prints it: 首页 with its buttons, 学习进度 with rows as
tall as their text, 看板 as tiles and a grid of charts on one page, a wall sheet per session held in
a room, and certificates whose names and titles are never broken — in both languages, and at the
edge (a long program name, session title, student name and department).

With TRAINBOOK_PICTURES set to a folder, the pages these tests look at are kept there as pictures
(docs/pictures holds the zh demo's: `TRAINBOOK_PICTURES=docs/pictures pytest tests/test_looks.py`)."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

import trainbook
from trainbook.demo import FINISHED_AS_OF, build_demo_book
from trainbook.i18n import Lang, message
from trainbook.metrics import Progress
from trainbook.metrics.dashboard import kpis
from trainbook.printing.qr import QrRun
from trainbook.schema.buttons import BUTTONS
from trainbook.schema.dashboard import BLOCKS
from trainbook.schema.sheets import BY_KEY

from .conftest import convert, write_tables
from .rendering import Page, Word, pages, picture

AS_OF = "2026-11-29"
LONG_PROGRAM = "2026 年度华东区域新入职员工综合能力提升与企业文化融入专项培训项目（第三期）"
LONG_TITLE = "面向一线销售与客户成功团队的大客户需求挖掘、方案呈现与商务谈判实战工作坊（含案例复盘）"
LONG_NAME = "阿卜杜热合曼·买买提艾力·托合提尼亚孜"
LONG_DEPARTMENT = "华东大区数字化转型与客户体验创新中心"


@dataclass
class Printed:
    lang: Lang
    book: Path
    result: Progress
    qr: QrRun
    pdf: Path
    pages: list[Page]

    def sheet(self, key: str) -> list[Page]:
        """The pages a sheet prints on: a table's are those headed by its columns' headers, a laid-out
        sheet's those that begin with its name (its title)."""
        sheet = BY_KEY[key]
        if not sheet.columns:
            return [p for p in self.pages if p.words and p.words[0].text == sheet.name(self.lang)]
        headers = {c.header(self.lang).split()[0] for c in sheet.columns}
        return [p for p in self.pages if p.words and len(headers & {w.text for w in p.words if w.y0 < p.words[0].y0 + 25})
                >= 0.9 * len(headers)]


def keep(pdf: Path, page: Page, name: str, tmp_path: Path, part: tuple[float, float, float, float] | None = None,
         dpi: int = 70) -> Path:
    """The page (or `part` of it) as a picture: kept in TRAINBOOK_PICTURES when that is set, else
    only for this test."""
    folder = Path(os.environ["TRAINBOOK_PICTURES"]) if os.environ.get("TRAINBOOK_PICTURES") else tmp_path
    return picture(pdf, page.number, folder / f"{name}.png", dpi, part, (page.width, page.height))


def _print(folder: Path, soffice: str, lang: Lang, edge: bool = False) -> Printed:
    book = build_demo_book(folder / "demo.xlsx", lang=lang)
    if edge:
        _lengthen(book)
    result = trainbook.progress(book, as_of=AS_OF)
    qr = trainbook.qr(book, out=folder / "png")
    trainbook.todo(book, as_of=AS_OF)  # 首页's 待办, under the buttons
    xlsm = trainbook.buttons(book)
    pdf = convert(soffice, xlsm, "pdf", folder / "lo")
    return Printed(lang, book, result, qr, pdf, pages(pdf))


def _lengthen(book: Path) -> None:
    """The program, its first session in a room and its first student with names far longer than usual."""
    master = trainbook.read(book)
    settings, sessions, enrollment = (master.frame(k).copy() for k in ("settings", "sessions", "enrollment"))
    settings.loc[settings["key"] == "program_name", "value"] = LONG_PROGRAM
    sessions.loc[sessions.index[0], "title"] = LONG_TITLE
    enrollment.loc[enrollment.index[0], ["name", "department"]] = [LONG_NAME, LONG_DEPARTMENT]
    write_tables(book, {"settings": settings, "sessions": sessions, "enrollment": enrollment})


@pytest.fixture(scope="module", params=["zh", "en"])
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Printed:
    return _print(tmp_path_factory.mktemp(f"looks-{request.param}"), soffice, request.param)


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Printed:
    return _print(tmp_path_factory.mktemp("looks-edge"), soffice, "zh", edge=True)


def within(page: Page, words: list[Word]) -> bool:
    return all(0 <= w.x0 and w.x1 <= page.width and 0 <= w.y0 and w.y1 <= page.height for w in words)


def test_home_prints_each_button_beside_what_it_does(printed: Printed, tmp_path: Path) -> None:
    home = printed.pages[0]
    assert " ".join(message("home-title", printed.lang).split()) in home.text
    for button in BUTTONS:  # the caption on the line of its explanation, to its left: no explanation of nothing
        said = button.explain(printed.lang).split()[:3]
        explained = [w for i, w in enumerate(home.words) if [v.text for v in home.words[i:i + len(said)]] == said]
        assert explained, button.explain(printed.lang)
        line = [w for w in home.words if abs(w.middle - explained[0].middle) < 12 and w.x1 <= explained[0].x0]
        assert button.caption(printed.lang).split()[0] in [w.text for w in line], (button.caption(printed.lang), line)
    assert within(home, home.words) and message("todo-panel-title", printed.lang, as_of=AS_OF).split()[0] in home.text
    if printed.lang == "zh":
        keep(printed.pdf, home, "home", tmp_path, (0.05, 0.08, 0.95, 0.75), dpi=90)


def test_progress_rows_are_as_tall_as_their_text(printed: Printed, tmp_path: Path) -> None:
    sheet = printed.sheet("progress")
    assert sheet, "学习进度 prints"
    for page in sheet:
        columns = [c.header(printed.lang).split()[0] for c in BY_KEY["progress"].columns]
        needed, reasons = (next(w for w in page.words if w.text == columns[i] and w.y0 < page.words[0].y0 + 25)
                           for i in (len(columns) - 2, len(columns) - 1))
        header = max(w.y1 for w in page.words if w.y0 < page.words[0].y0 + 25 and w.x0 >= needed.x0 - 1)
        for left, right in ((needed.x0 - 1, reasons.x0 - 1), (reasons.x0 - 1, page.width)):
            lines = page.lines(left, right, below=header + 1)
            assert len(lines) > len(sheet) and within(page, [w for line in lines for w in line])
            # a row's text never runs into the next row's: no two words on one line overlap, and no
            # line is closer to the one above than a line's pitch (the rows' text blocks do not overlap)
            for line in lines:
                ordered = sorted(line, key=lambda w: w.x0)
                assert all(b.x0 >= a.x1 - 0.5 for a, b in zip(ordered, ordered[1:])), line
            middles = [statistics.median(w.middle for w in line) for line in lines]
            steps = [b - a for a, b in zip(middles, middles[1:])]
            pitch = statistics.median(steps)
            assert min(steps) >= 0.8 * pitch, [(round(s / pitch, 2), " ".join(w.text for w in line))
                                              for s, line in zip(steps, lines[1:]) if s < 0.8 * pitch]
    if printed.lang == "zh":
        keep(printed.pdf, sheet[0], "progress", tmp_path, (0.55, 0.08, 0.93, 0.5), dpi=160)


def test_dashboard_is_tiles_and_a_grid_of_charts_on_one_page(printed: Printed, tmp_path: Path) -> None:
    [page] = printed.sheet("dashboard")
    text = page.text
    for label, figure in kpis(printed.result.students, printed.lang):  # each figure under its label, in its tile
        assert label in text and figure in text
        first = next(w for w in page.words if w.text == label.split()[0])
        value = next(w for w in page.words if w.text == figure.split()[0] and w.y0 > first.y1)
        assert value.x0 < first.x1 and first.x0 < value.x1 + 40, (label, figure)
    for block in BLOCKS:  # every chart on the page, and none of the blocks they are drawn from
        assert (block.chart_zh if printed.lang == "zh" else block.chart_en).split("（")[0].split(" (")[0] in text
    rows = [" ".join(block.headers(printed.lang)) for block in BLOCKS]
    assert not any(row in p.text for p in printed.pages for row in rows), "the data blocks are off the paper"
    assert within(page, page.words)
    if printed.lang == "zh":
        keep(printed.pdf, page, "dashboard", tmp_path, (0.04, 0.08, 0.96, 0.8), dpi=90)


def test_an_empty_program_says_no_data_on_each_chart(tmp_path: Path, soffice: str) -> None:
    book = trainbook.init(tmp_path / "new.xlsx")
    trainbook.progress(book, as_of=AS_OF)
    [page] = [p for p in pages(convert(soffice, book, "pdf", tmp_path / "lo")) if p.words and p.words[0].text == "看板"]
    assert page.text.count("暂无数据") == len(BLOCKS), page.text


def walls(printed: Printed) -> list[Page]:
    """The wall sheets: pages whose words are the footer's, an id and a link, and nothing else."""
    footer = message("qr-footer", printed.lang, session="\0", link="\1").split()
    return [p for p in printed.pages if len(p.words) == len(footer)
            and all(w.text == f for w, f in zip(p.words, footer) if f not in ("\0", "\1"))]


def test_a_wall_sheet_per_session_held_in_a_room_and_nothing_else(printed: Printed, tmp_path: Path) -> None:
    sessions = trainbook.read(printed.book).frame("sessions")
    held = sessions[sessions["mode"] != ("线上" if printed.lang == "zh" else "Online")]
    pages_ = walls(printed)
    assert [p.words[1].text for p in pages_] == list(held["session_id"])
    links = dict(zip(sessions["session_id"], sessions["checkin_url"]))
    for page in pages_:  # the id and link at the foot, the code readable off the printed page
        assert page.words[-1].text == links[page.words[1].text] and page.words[0].y0 > page.height * 0.8
        image = keep(printed.pdf, page, "qr", tmp_path, dpi=60) if page is pages_[0] and printed.lang == "zh" else \
            picture(printed.pdf, page.number, tmp_path / f"{page.number}.png")
        [found] = zxingcpp.read_barcodes(Image.open(image))
        assert found.text == links[page.words[1].text]
    hint = " ".join(message("qr-hint", printed.lang).split()[:3])
    assert not any(hint in p.text for p in printed.pages), "the sheet's hint stays off the paper"


def test_long_names_and_titles_fit(edge: Printed, tmp_path: Path) -> None:
    sessions = trainbook.read(edge.book).frame("sessions")
    printed = walls(edge)
    assert len(printed) == len(edge.qr.pictures) == int((sessions["mode"] != "线上").sum()), "a page each, none spilt"
    image = picture(edge.pdf, printed[0].number, tmp_path / "long-title.png")
    [found] = zxingcpp.read_barcodes(Image.open(image))
    assert found.text == sessions["checkin_url"].iloc[0]
    [page] = edge.sheet("dashboard")
    assert within(page, page.words)
    finished = build_demo_book(tmp_path / "finished.xlsx", finished=True)
    _lengthen(finished)
    run = trainbook.certificates(finished, as_of=FINISHED_AS_OF, out=tmp_path / "certificates")
    student = trainbook.read(finished).frame("enrollment").iloc[0]
    [file] = [f for f in run.files if f.name.startswith(str(student["student_id"]))]
    [certificate] = pages(file)
    lines = [" ".join(w.text for w in line) for line in certificate.lines(0, certificate.width)]
    assert LONG_NAME in lines and f"（{LONG_DEPARTMENT}）" in lines, lines
    assert f"完成“{LONG_PROGRAM}”全部学习，" in lines, "the quoted title on one line"
    margin = 14 / 25.4 * 72  # the inner frame: 14 mm from the edge
    assert all(margin <= w.x0 and w.x1 <= certificate.width - margin for w in certificate.words)
    keep(file, certificate, "certificate-long", tmp_path)


def test_a_certificate_at_the_demos_size(tmp_path: Path) -> None:
    finished = build_demo_book(tmp_path / "finished.xlsx", finished=True)
    run = trainbook.certificates(finished, as_of=FINISHED_AS_OF, out=tmp_path / "certificates")
    [certificate] = pages(run.files[0])
    lines = [" ".join(w.text for w in line) for line in certificate.lines(0, certificate.width)]
    record = trainbook.read(finished).frame("certificates").iloc[0]
    assert str(record["name"]) in lines and "结业证书" in lines
    assert any(line.startswith("完成“") and line.endswith("”全部学习，") for line in lines)
    keep(run.files[0], certificate, "certificate", tmp_path)
