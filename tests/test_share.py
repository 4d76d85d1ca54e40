"""The manager report: values only, nothing private, small groups folded, one file per
department holding only its people, charts a real spreadsheet program draws, the master untouched."""

from __future__ import annotations

import hashlib
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.demo import AS_OF, build_demo_book
from trainbook.values import runs_as_formula
from trainbook.workbook.file_engine import FileEngine

from .conftest import convert, write_tables

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")  # openpyxl on data bars
NOTE = "内部备注：家庭困难，勿外传"
FORMULA_NAME = '=HYPERLINK("http://example.com","点我")'
TINY = "法务部"  # two students: below min_group_size (3)


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample program with everything a manager must not see planted in it: notes everywhere,
    e-mails, managers' and tutors' mobiles, contact details inside survey comments (which the
    settings share), a name that would run as a formula, and a department of two."""
    path = build_demo_book(tmp_path_factory.mktemp("share") / "master.xlsx")
    tables = FileEngine(path).read().tables
    enrollment = tables["enrollment"].frame.copy()
    enrollment["notes"] = [f"{NOTE}{i}" for i in range(len(enrollment))]
    enrollment["email"] = [f"person{i}@corp.example.com" for i in range(len(enrollment))]
    enrollment["manager_mobile"] = [f"1370000{i:04d}" for i in range(len(enrollment))]
    approved = enrollment.index[enrollment["review_status"] == "已通过"]
    enrollment.loc[approved[:2], "department"] = TINY
    enrollment.loc[approved[2], "name"] = FORMULA_NAME
    groups = tables["groups"].frame.copy()
    groups["tutor_mobile"] = [f"1360000{i:04d}" for i in range(len(groups))]
    groups["notes"] = NOTE
    attendance = tables["attendance"].frame.copy()
    attendance["note"] = NOTE
    feedback = tables["feedback"].frame.copy()
    feedback["comments"] = [f"第{i}条：老师讲得好，联系我 139 1234 {i:04d} 或 fan{i}@mail.example.com"
                            for i in range(len(feedback))]
    settings = tables["settings"].frame.copy()
    settings.loc[settings["key"] == "share_comments", "value"] = "是"
    return write_tables(path, {"enrollment": enrollment, "groups": groups, "attendance": attendance,
                               "feedback": feedback, "settings": settings})


@pytest.fixture(scope="module")
def shared(master: Path) -> dict[str, object]:
    """The report and the department reports, written by the command line; the master's bytes
    before and after."""
    before = master.read_bytes()
    report = master.with_name("报表.xlsx")
    runner = CliRunner()
    whole = runner.invoke(main, ["share", str(master), "--out", str(report), "--as-of", AS_OF.isoformat()])
    assert whole.exit_code == 0, whole.output
    folder = master.with_name("各部门")
    split = runner.invoke(main, ["share", str(master), "--out", str(folder), "--by", "department",
                                 "--as-of", AS_OF.isoformat()])
    assert split.exit_code == 0, split.output
    return {"report": report, "departments": sorted(folder.glob("*.xlsx")), "before": before,
            "after": master.read_bytes(), "output": whole.output + split.output}


def every_file(shared: dict[str, object]) -> list[Path]:
    return [shared["report"], *shared["departments"]]  # type: ignore[list-item]


def private_texts(master: Path) -> list[str]:
    """Every full mobile, e-mail and note of the master."""
    tables = FileEngine(master).read().tables
    found: list[str] = []
    for key, columns in (("enrollment", ("mobile", "manager_mobile", "email", "notes")),
                         ("groups", ("tutor_mobile", "notes")), ("attendance", ("note",))):
        frame = tables[key].frame
        for column in columns:
            found += [str(v) for v in frame[column].dropna().unique() if str(v).strip()]
    found += [f"139 1234 {i:04d}" for i in range(3)] + [f"1391234{i:04d}" for i in range(3)]
    found += [f"fan{i}@mail.example.com" for i in range(3)]
    return found


def sheet_values(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))


def test_a_report_holds_values_only(shared: dict[str, object]) -> None:
    for path in every_file(shared):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            xml = {name: zf.read(name).decode("utf-8") for name in names}
        assert not [n for n in names if "vbaProject" in n or "externalLink" in n], names
        assert not [n for n, text in xml.items() if re.search(r"<f[ >]", text)], f"{path.name} has a formula"
        assert not [n for n, text in xml.items() if 'TargetMode="External"' in text], "a link out of the file"
        workbook = xml["xl/workbook.xml"]
        assert "state=" not in workbook, "a hidden sheet"
        sheets = set(re.findall(r'<sheet name="([^"]+)"', workbook))
        assert sheets == {"概览", "部门", "学员", "课次", "反馈"}
        for target in re.findall(r"<definedName[^>]*>([^<]+)</definedName>", workbook):
            assert target.split("!")[0].strip("'") in sheets, target
        assert "<dc:creator>trainbook</dc:creator>" in xml["docProps/core.xml"]
        book = openpyxl.load_workbook(path)
        texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert texts and not [t for t in texts if runs_as_formula(t)], path.name
    students = [row[1] for row in sheet_values(shared["report"], "学员")]  # type: ignore[arg-type]
    assert "'" + FORMULA_NAME in students, "the name is kept, made inert"


def test_nothing_private_reaches_a_report(master: Path, shared: dict[str, object]) -> None:
    private = private_texts(master)
    assert any(NOTE in p for p in private) and any("@" in p for p in private) and len(private) > 200
    for path in every_file(shared):
        with zipfile.ZipFile(path) as zf:
            content = "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist())
        leaked = [p for p in private if p in content]
        assert not leaked, (path.name, leaked[:5])
        assert "内部备注" not in content and "@" not in re.sub(r"<[^>]+>", "", content), path.name
    students = pd.DataFrame(sheet_values(shared["report"], "学员")[1:],  # type: ignore[arg-type]
                            columns=sheet_values(shared["report"], "学员")[0])  # type: ignore[arg-type]
    masked = students["手机号"].dropna()  # a mobile that is not one (a typing mistake) is left out
    assert len(masked) >= len(students) - 2 and masked.str.fullmatch(r"1\d{2}\*{4}\d{4}").all()
    comments = [row for row in sheet_values(shared["report"], "反馈") if row[1] and "老师讲得好" in str(row[1])]
    assert comments and all("****" in str(row[1]) and "***" in str(row[1]) for row in comments)


def test_small_departments_are_folded_and_a_department_file_holds_its_own_people(
        master: Path, shared: dict[str, object]) -> None:
    rows = sheet_values(shared["report"], "部门")  # type: ignore[arg-type]
    assert rows[0][:2] == ("部门", "学员人数")
    departments = {row[0]: row[1] for row in rows[1:]}
    assert TINY not in departments and departments["其他"] == 2
    assert list(departments)[-1] == "其他"
    progress = trainbook.progress(master, as_of=AS_OF, write=False).students
    expected = {str(d): set(group.index) for d, group in progress.groupby("department")}
    files = {path.name: path for path in shared["departments"]}  # type: ignore[attr-defined]
    assert set(files) == {f"2026 新员工入职培训-{d}.xlsx" for d in expected}
    for department, ids in expected.items():
        path = files[f"2026 新员工入职培训-{department}.xlsx"]
        students = sheet_values(path, "学员")[1:]
        assert {row[0] for row in students} == ids and {row[2] for row in students} == {department}
        own = sheet_values(path, "部门")[1:]
        assert [(row[0], row[1]) for row in own] == [(department, len(ids))]
        overview = sheet_values(path, "概览")
        assert f"部门：{department}" in str(overview[1][0]) and overview[4][0] == len(ids)
        assert overview[7][6] == overview[7][9] == "—", "the survey is anonymous: no department has ratings"


def test_the_master_is_byte_identical_after_share(shared: dict[str, object]) -> None:
    assert shared["before"] == shared["after"]
    assert "已生成管理层报表" in str(shared["output"]) and "已按部门生成 4 份" in str(shared["output"])


def test_the_report_opens_in_libreoffice_with_its_charts(soffice: str, shared: dict[str, object],
                                                         tmp_path: Path) -> None:
    pdf = convert(soffice, shared["report"], "pdf", tmp_path)  # type: ignore[arg-type]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for title in ("各课次出勤率", "部门对比", "风险分布", "总评分布", "各课次满意度"):
        assert title in text, f"chart {title} not drawn"
    for heading in ("学员人数", "平均出勤率", "满意率", "NPS", "数据截至 2026-11-29", "达标所需"):
        assert heading in text
    with zipfile.ZipFile(shared["report"]) as zf:  # type: ignore[arg-type]
        assert len([n for n in zf.namelist() if n.startswith("xl/charts/chart")]) == 5


def test_share_in_english_and_from_python(master: Path, tmp_path: Path) -> None:
    run = trainbook.share(master, out=tmp_path / "report.xlsx", as_of=AS_OF, lang="en")
    assert run.files == [tmp_path / "report.xlsx"] and "Wrote the manager report" in run.summary()
    names = openpyxl.load_workbook(run.files[0], read_only=True).sheetnames
    assert names == ["Overview", "Departments", "Students", "Sessions", "Feedback"]
    assert sheet_values(run.files[0], "Departments")[0][:2] == ("Department", "Students")
    assert "Other" in [row[0] for row in sheet_values(run.files[0], "Departments")]


def test_same_master_and_day_same_report(master: Path, tmp_path: Path) -> None:
    first = trainbook.share(master, out=tmp_path / "a.xlsx", as_of=AS_OF).files[0]
    second = trainbook.share(master, out=tmp_path / "b.xlsx", as_of=AS_OF).files[0]
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()


@pytest.mark.parametrize("args, says", [
    (["--out", "{dir}/报表.csv"], ".xlsx"),
    (["--out", "{master}"], "主工作簿"),
    (["--by", "group"], "--by"),
    (["--as-of", "2026-13-40"], "--as-of"),
])
def test_a_bad_request_is_refused_and_the_master_untouched(master: Path, tmp_path: Path, args: list[str],
                                                           says: str) -> None:
    before = master.read_bytes()
    argv = [a.format(dir=tmp_path, master=master) for a in args]
    result = CliRunner().invoke(main, ["share", str(master), *argv])
    assert result.exit_code == 2 and says in result.output, result.output
    assert "Traceback" not in result.output and master.read_bytes() == before


def test_share_without_students_by_department_says_what_to_do(blank_book: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["share", str(blank_book), "--by", "department", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "没有已通过审核的学员" in result.output
    whole = trainbook.share(blank_book, out=tmp_path / "empty.xlsx")
    assert sheet_values(whole.files[0], "概览")[4][0] == 0


def test_departments_a_file_name_cannot_tell_apart_get_a_file_each(master: Path, tmp_path: Path) -> None:
    copy = tmp_path / "m.xlsx"
    copy.write_bytes(master.read_bytes())
    enrollment = FileEngine(copy).read().tables["enrollment"].frame.copy()
    approved = enrollment.index[enrollment["review_status"] == "已通过"]
    enrollment.loc[approved[10:14], "department"] = "研发/一组"
    enrollment.loc[approved[14:18], "department"] = "研发:一组"
    write_tables(copy, {"enrollment": enrollment})
    run = trainbook.share(copy, out=tmp_path / "各部门", by="department", as_of=AS_OF)
    assert len(set(run.files)) == len(run.files) == len(run.departments) == len(list((tmp_path / "各部门").iterdir()))
    for path, department in zip(run.files, run.departments):
        assert {row[2] for row in sheet_values(path, "学员")[1:]} == {department}


def test_comments_of_too_few_responses_stay_out_of_a_department_file(shared: dict[str, object]) -> None:
    tiny = next(p for p in shared["departments"] if TINY in p.name)  # type: ignore[attr-defined]
    assert not [row for row in sheet_values(tiny, "反馈") if row[1] and "老师讲得好" in str(row[1])]


def test_free_text_loses_contact_details_and_id_numbers() -> None:
    from trainbook.report.content import redacted

    text = redacted("请联系 +86 138-1234-5678，邮箱 a.b@内部.公司，身份证 11010119900307123X。")
    assert text == "请联系 138****5678，邮箱 ***，身份证 110101********123X。"


def test_what_a_report_cannot_show_is_said(master: Path, blank_book: Path, tmp_path: Path) -> None:
    early = trainbook.share(master, out=tmp_path / "early.xlsx", as_of="2026-10-01").summary()
    assert "早于第一次课（2026-11-02）" in early
    assert "没有已通过审核的学员" in trainbook.share(blank_book, out=tmp_path / "empty.xlsx").summary()
    result = CliRunner().invoke(main, ["share", str(master), "--by", "department", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "文件夹" in result.output and not (tmp_path / "x.xlsx").exists()


def test_feedback_is_in_the_order_sessions_were_held(shared: dict[str, object]) -> None:
    rows = sheet_values(shared["report"], "反馈")  # type: ignore[arg-type]
    sessions = [str(row[0]) for row in rows[2:] if row[0] and row[1] is not None and "-" in str(row[0])[-5:]]
    dates = [label[-5:] for label in sessions[:8]]
    assert dates == sorted(dates) and len(dates) >= 5
