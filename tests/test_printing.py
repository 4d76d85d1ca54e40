"""Printables: certificates for exactly the students who completed, with stable
verification codes, Chinese text that real PDF tools read, and QR codes that decode."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

import trainbook
from trainbook.demo import FINISHED_AS_OF, build_demo_book
from trainbook.printing.certificates import verification_code


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_book(tmp_path_factory.mktemp("finished") / "结业.xlsx", finished=True)


def test_a_certificate_for_exactly_those_who_completed(finished: Path, tmp_path: Path) -> None:
    progress = trainbook.progress(finished, as_of=FINISHED_AS_OF, write=False)
    graduates = progress.students[progress.students["certificate"] == "yes"]
    assert 0 < len(graduates) < len(progress.students), "the demo has graduates and others"
    run = trainbook.certificates(finished, as_of=FINISHED_AS_OF, out=tmp_path / "pdf")
    assert sorted(p.name for p in run.files) == sorted(f"{s}-{r['name']}.pdf" for s, r in graduates.iterrows())
    sheet = trainbook.read(finished).frame("certificates")
    assert sorted(sheet["student_id"]) == sorted(graduates.index) and sheet["code"].is_unique
    assert run.combined is not None and run.combined.exists()
    info = subprocess.run(["pdfinfo", str(run.combined)], capture_output=True, text=True).stdout
    assert f"Pages: {len(graduates)}" in " ".join(info.split()), "one page each in the combined PDF"
    first = graduates.index[0]
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(run.combined), "-"], capture_output=True,
                          text=True).stdout
    assert graduates.loc[first, "name"] in text and "结业证书" in text and "人力资源部" in text
    code = sheet.set_index("student_id").loc[first, "code"]
    assert code in text


def test_codes_are_stable_and_their_qr_decodes(finished: Path, tmp_path: Path) -> None:
    trainbook.certificates(finished, as_of=FINISHED_AS_OF, out=tmp_path / "a")
    first = trainbook.read(finished).frame("certificates")
    run = trainbook.certificates(finished, as_of=FINISHED_AS_OF, out=tmp_path / "b")
    again = trainbook.read(finished).frame("certificates")
    assert first["code"].tolist() == again["code"].tolist(), "rerunning keeps the codes"
    row = again.iloc[0]
    assert row["code"] == verification_code("2026 新员工入职培训", row["student_id"], dt.date(2026, 12, 16))
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "150", "-png", str(run.combined), str(tmp_path / "page")],
                   check=True)
    [png] = tmp_path.glob("page*.png")
    [found] = zxingcpp.read_barcodes(Image.open(png))
    assert found.text == row["code"]


def test_the_qr_points_to_the_verify_link_when_one_is_set(finished: Path, tmp_path: Path) -> None:
    from .conftest import write_tables

    settings = trainbook.read(finished).frame("settings").copy()
    settings.loc[settings["key"] == "certificate_verify_template", "value"] = "https://example.com/verify?c={code}"
    write_tables(finished, {"settings": settings})
    run = trainbook.certificates(finished, as_of=FINISHED_AS_OF, out=tmp_path / "v")
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(run.files[0]), str(tmp_path / "one")], check=True)
    [png] = tmp_path.glob("one*.png")
    [found] = zxingcpp.read_barcodes(Image.open(png))
    code = trainbook.read(finished).frame("certificates").set_index("file").loc[run.files[0].name, "code"]
    assert found.text == f"https://example.com/verify?c={code}"


def test_before_the_end_nobody_gets_one(tmp_path: Path) -> None:
    book = build_demo_book(tmp_path / "demo.xlsx")
    run = trainbook.certificates(book, as_of="2026-11-29", out=tmp_path / "none")
    assert run.files == [] and not (tmp_path / "none").exists() and "没有可以颁发" in run.summary()


def test_qr_codes_decode_to_their_links_and_print_a_page_each(tmp_path: Path, soffice: str) -> None:
    import zipfile

    from trainbook.workbook.package import PackageEdit, sheet_parts
    from trainbook.workbook.pictures import pictures_in

    from .conftest import convert, parts

    book = build_demo_book(tmp_path / "demo.xlsx")
    before = parts(book)
    run = trainbook.qr(book, out=tmp_path / "png")
    sessions = trainbook.read(book).frame("sessions")
    held = sessions[sessions["mode"] != "线上"]  # online sessions get no wall sheet
    assert len(run.files) == len(held) == 8 and run.online == ["C02", "C05", "C08"]
    links = dict(zip(sessions["session_id"], sessions["checkin_url"]))
    for png in run.files:
        [found] = zxingcpp.read_barcodes(Image.open(png))
        assert found.text == links[png.stem]
    trainbook.qr(book, out=tmp_path / "png")  # again: the pictures are replaced, never stacked
    with zipfile.ZipFile(book) as zf:
        qr_part = next(p.part for p in sheet_parts(zf) if p.name == "签到二维码")
        shown = pictures_in(PackageEdit(zf), qr_part)
        media = [n for n in zf.namelist() if n.startswith("xl/media/")]
        for part in shown:  # each page's picture: its session's code, readable from the page
            [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(zf.read(part))))
            assert found.text in links.values()
    assert len(shown) == len(set(shown)) == 8 and len(media) == 8
    after = parts(book)
    mine = {qr_part, "xl/workbook.xml", "[Content_Types].xml", next(
        p for p in after if p.endswith(".rels") and qr_part.rsplit("/", 1)[1] in p)}
    home = next(p.part for p in sheet_parts(zipfile.ZipFile(book)) if p.name == "首页")
    changed = {n for n in before if before[n] != after.get(n)} - mine - {home}
    assert not changed, changed
    pdf = convert(soffice, book, "pdf", tmp_path / "lo")
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                   text=True).stdout.splitlines() if line.startswith("Pages")))
    per_page = [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                               text=True).stdout for i in range(1, pages + 1)]
    qr_pages = [text for text in per_page if "签到链接 https://" in text]
    assert len(qr_pages) == 8, "a page per session held in a room"
    for sid, text in zip(held["session_id"], qr_pages):  # its id and link, and nothing else
        assert text.split() == ["课次编号", sid, "签到链接", links[sid]], text
    assert not any("trainbook qr" in text for text in per_page), "the sheet's hint is not printed"


def test_a_font_without_chinese_is_refused_and_nothing_written(finished: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    latin = next((f for f in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                              "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf") if Path(f).exists()), None)
    if latin is None:
        pytest.skip("no Latin-only font on this machine")
    monkeypatch.setenv("TRAINBOOK_CJK_FONT", latin)
    with pytest.raises(trainbook.InputError, match="缺少要打印的"):
        trainbook.certificates(finished, as_of=FINISHED_AS_OF, out=tmp_path / "latin")
    assert not (tmp_path / "latin").exists()
    monkeypatch.setenv("TRAINBOOK_CJK_FONT", str(finished))  # not a font at all
    with pytest.raises(trainbook.InputError, match="不是可用的字体文件"):
        trainbook.certificates(finished, as_of=FINISHED_AS_OF, out=tmp_path / "latin")


def test_qr_for_some_sessions_keeps_every_page_and_names_unknown_ones(tmp_path: Path) -> None:
    book = build_demo_book(tmp_path / "demo.xlsx")
    run = trainbook.qr(book, out=tmp_path / "png", sessions=[" c03 "])
    assert [p.name for p in run.files] == ["C03.png"] and len(run.pictures) == 8, "the sheet keeps a page each"
    online = trainbook.qr(book, out=tmp_path / "png", sessions=["C02"])  # a live class: no page, and that is all
    assert not online.files and online.summary().startswith("线上课次不打印签到页") and "签到链接" not in online.summary()
    with pytest.raises(trainbook.InputError, match="没有课次 C99"):
        trainbook.qr(book, sessions=["C01", "C99"])
    (tmp_path / "a-file").write_text("")
    with pytest.raises(trainbook.InputError, match="是一个文件"):
        trainbook.qr(book, out=tmp_path / "a-file")
