"""Printables (SPEC §7.4): certificates for exactly the students who completed, with stable
verification codes, Chinese text that real PDF tools read, and QR codes that decode."""

from __future__ import annotations

import datetime as dt
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
