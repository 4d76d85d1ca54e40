"""collect: programs into DuckDB and hive-partitioned Parquet — each program's rows exactly its
sheets', progress as `progress` computes it, a broken book skipped, a second run changing nothing,
and one person found across programs."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.warehouse import DATABASE, TABLES

from .conftest import clean_tables, named, write_tables

AS_OF = "2026-11-29"


def program(path: Path, name: str, people: pd.DataFrame | None = None) -> Path:
    trainbook.init(path)
    tables = clean_tables()
    if people is not None:
        tables["enrollment"] = people
    return write_tables(path, {**tables, "settings": named(path, name)})


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three programs — the second shares one person by DingTalk UserId, the third one by mobile
    only (other ids) — and a broken file."""
    folder = tmp_path_factory.mktemp("programs")
    first = program(folder / "a.xlsx", "春季班")
    people = clean_tables()["enrollment"]
    second_people = people.copy()
    second_people["student_id"] = [f"T{i:04d}" for i in range(len(people))]
    second_people["mobile"] = [f"1370000{i:04d}" for i in range(len(people))]
    second_people["employee_no"] = None
    second_people["dingtalk_userid"] = [uid if i == 0 else f"9{i:015d}" for i, uid in
                                        enumerate(people["dingtalk_userid"])]  # 黄刚 by his UserId
    second = program(folder / "b.xlsx", "夏季班", second_people)
    third_people = second_people.copy()
    third_people["student_id"] = [f"U{i:04d}" for i in range(len(people))]
    third_people["dingtalk_userid"] = None
    third_people["mobile"] = [m if i == 1 else f"1360000{i:04d}" for i, m in enumerate(people["mobile"])]  # 吕晓东
    third = program(folder / "c.xlsx", "秋季班", third_people)
    broken = folder / "broken.xlsx"
    broken.write_bytes(first.read_bytes()[:5000])
    return [first, second, third, broken]


@pytest.fixture(scope="module")
def warehouse(books: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("warehouse")
    result = CliRunner().invoke(main, ["collect", *map(str, books), "--out", str(out), "--as-of", AS_OF,
                                       "--format", "json", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_the_broken_book_is_named_and_skipped_and_the_others_land(warehouse: tuple[Path, dict],
                                                                     books: list[Path]) -> None:
    out, report = warehouse
    statuses = {Path(b["path"]).name: b["status"] for b in report["books"]}
    assert statuses == {"a.xlsx": "collected", "b.xlsx": "collected", "c.xlsx": "collected", "broken.xlsx": "skipped"}
    broken = next(b for b in report["books"] if b["status"] == "skipped")
    assert "broken.xlsx" in broken["reason"] and broken["program"] is None
    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        assert sorted(r[0] for r in con.execute("SELECT name FROM programs").fetchall()) == ["夏季班", "春季班", "秋季班"]


def test_each_table_holds_exactly_its_sheet(warehouse: tuple[Path, dict], books: list[Path]) -> None:
    out, report = warehouse
    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        for book in report["books"][:3]:
            master = trainbook.read(book["path"])
            for table, sheet in TABLES.items():
                count = con.execute(f'SELECT count(*) FROM "{table}" WHERE program = ?', [book["program"]]).fetchone()
                assert count is not None and count[0] == len(master.frame(sheet)) == book["rows"][table], table
            rows = con.execute("SELECT * FROM attendance WHERE program = ? ORDER BY session_id, student_id",
                               [book["program"]]).df()
            sheet_rows = master.frame("attendance").sort_values(["session_id", "student_id"])
            assert list(rows["student_id"]) == list(sheet_rows["student_id"])
            assert str(rows["checkin_at"].dtype).startswith("datetime64")


def test_progress_is_what_progress_computes(warehouse: tuple[Path, dict]) -> None:
    out, report = warehouse
    book = report["books"][0]
    expected = CliRunner().invoke(main, ["progress", book["path"], "--as-of", AS_OF, "--format", "json"])
    students = {s["student_id"]: s for s in json.loads(expected.stdout)["students"]}
    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        rows = con.execute("SELECT * FROM progress WHERE program = ?", [book["program"]]).df()
    assert set(rows["student_id"]) == set(students)
    for row in rows.to_dict("records"):
        want = students[row["student_id"]]
        for key in ("attendance_rate", "task_rate", "final_score", "risk", "certificate", "needed"):
            got, wanted = row[key], want[key]
            if isinstance(wanted, float) or isinstance(got, float):
                assert (wanted is None and (got is None or math.isnan(got))) or got == pytest.approx(wanted), key
            else:
                assert got == wanted, key


def test_parquet_and_duckdb_agree_and_a_second_run_changes_no_count(warehouse: tuple[Path, dict],
                                                                      books: list[Path], tmp_path: Path) -> None:
    out, _ = warehouse
    copy = tmp_path / "again"
    shutil.copytree(out, copy)

    def counts(folder: Path) -> dict[str, tuple[int, int]]:
        with duckdb.connect(str(folder / DATABASE), read_only=True) as con:
            found = {}
            for table in ("programs", *TABLES, "progress"):
                db = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
                files = str(folder / "parquet" / table / "*" / "*.parquet")
                pq = con.execute(f"SELECT count(*) FROM read_parquet('{files}', hive_partitioning = true)").fetchone()
                assert db is not None and pq is not None
                found[table] = (db[0], pq[0])
            return found

    before = counts(copy)
    assert all(db == pq for db, pq in before.values()), before
    trainbook.collect(books[:3], copy, as_of=AS_OF)
    assert counts(copy) == before
    with duckdb.connect(str(copy / DATABASE), read_only=True) as con:
        files = str(copy / "parquet" / "attendance" / "*" / "*.parquet")
        programs = {r[0] for r in con.execute(f"SELECT DISTINCT program FROM read_parquet('{files}', "
                                              "hive_partitioning = true)").fetchall()}
        assert programs == {r[0] for r in con.execute("SELECT program FROM programs").fetchall()}


def test_people_finds_one_person_across_programs(warehouse: tuple[Path, dict]) -> None:
    out, _ = warehouse
    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        def programs_of(name: str) -> set[str]:
            rows = con.execute("SELECT p.name FROM people x JOIN people y USING (person) JOIN programs p "
                               "ON p.program = y.program WHERE x.name = ? AND x.student_id IN ('S0001', 'S0002')",
                               [name]).fetchall()
            return {r[0] for r in rows}

        assert programs_of("黄刚") == {"春季班", "夏季班"}, "by UserId"
        assert programs_of("吕晓东") == {"春季班", "秋季班"}, "by mobile"
        lone = con.execute("SELECT count(DISTINCT program) FROM people WHERE person = "
                           "(SELECT person FROM people WHERE student_id = 'S0003')").fetchone()
        assert lone is not None and lone[0] == 1


def test_a_folder_means_every_master_in_it(books: list[Path], tmp_path: Path) -> None:
    run = trainbook.collect(books[0].parent, tmp_path / "wh", as_of=AS_OF)
    assert sorted(Path(b.path).name for b in run.books) == ["a.xlsx", "b.xlsx", "c.xlsx"]
    nothing = CliRunner().invoke(main, ["collect", str(tmp_path / "empty-folder-that-is-not-there"), "--out",
                                        str(tmp_path / "x")])
    assert nothing.exit_code == 2 and "empty-folder-that-is-not-there" in nothing.output
    assert not (tmp_path / "x").exists(), "nothing written"


def test_the_readmes_questions_run_as_printed(warehouse: tuple[Path, dict]) -> None:
    out, _ = warehouse
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    queries = [q for q in readme.split("```sql")[1].split("```")[0].split(";") if q.strip()]
    assert len(queries) == 3
    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        history, by_month, teachers = (con.execute(q.replace("'程涛'", "'黄刚'")).df() for q in queries)
    assert len(history) == 2 and set(history["program"]) == {"春季班", "夏季班"}
    assert len(by_month) > 0 and by_month["attendance"].between(0, 1).all()
    assert len(teachers) > 0 and teachers["overall"].between(1, 5).all()


def test_two_books_of_one_program_keep_the_one_saved_last(books: list[Path], tmp_path: Path) -> None:
    import os

    older = Path(shutil.copy(books[0], tmp_path / "z-older.xlsx"))
    newer = Path(shutil.copy(books[0], tmp_path / "a-newer.xlsx"))
    os.utime(older, (1_700_000_000, 1_700_000_000))
    run = trainbook.collect([newer, older], tmp_path / "wh", as_of=AS_OF)
    status = {Path(b.path).name: b.reason for b in run.books}
    assert status["a-newer.xlsx"] == "" and "a-newer.xlsx" in status["z-older.xlsx"]
    assert run.to_json()["books"][1]["status"] == "skipped"


def test_each_program_says_what_progress_would_warn_about(tmp_path: Path) -> None:
    """A score typed 45分 is taken as blank by the collected progress, so collect says so, under
    that program and in the JSON, in the words `progress` uses; a clean program has nothing to say."""
    clean = program(tmp_path / "clean.xlsx", "春季班")
    typed = program(tmp_path / "typed.xlsx", "夏季班")
    scores = clean_tables()["scores"].astype({"score": object})
    scores.loc[0, "score"] = "45分"
    write_tables(typed, {"scores": scores})
    shown = CliRunner().invoke(main, ["progress", str(typed), "--as-of", AS_OF])
    caution = next(line for line in shown.stdout.splitlines() if "无法识别" in line)
    result = CliRunner().invoke(main, ["collect", str(clean), str(typed), "--out", str(tmp_path / "w"),
                                       "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    cautions = {Path(b["path"]).name: b["cautions"] for b in json.loads(result.stdout)["books"]}
    assert cautions == {"clean.xlsx": [], "typed.xlsx": [caution]}
    text = CliRunner().invoke(main, ["collect", str(clean), str(typed), "--out", str(tmp_path / "w"), "--as-of", AS_OF])
    lines = text.stdout.splitlines()
    assert lines[lines.index(next(line for line in lines if "夏季班" in line)) + 1] == "    " + caution


def test_a_program_renamed_replaces_its_rows_and_one_reusing_the_file_does_not(tmp_path: Path) -> None:
    """Correcting the program's name changes its key: collecting it again replaces the rows kept
    under the old name, never counts its students twice. A file reused for a program that starts
    another day is another program."""
    book = program(tmp_path / "p.xlsx", "春季班")
    out = tmp_path / "w"
    trainbook.collect(book, out, as_of=AS_OF)
    write_tables(book, {"settings": named(book, "2026 春季班")})
    run = trainbook.collect(book, out, as_of=AS_OF)
    assert "替换了以前按“春季班”汇总的数据" in run.summary()
    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        assert [r[0] for r in con.execute("SELECT name FROM programs").fetchall()] == ["2026 春季班"]
        students = con.execute("SELECT count(*) FROM students").fetchone()
        assert students is not None and students[0] == len(trainbook.read(book).frame("enrollment"))
    assert [p.name for p in (out / "parquet" / "students").iterdir()] == [f"program={run.books[0].program}"]
    settings = named(book, "秋季班")
    settings.loc[settings["key"] == "start_date", "value"] = "2026-09-01"
    write_tables(book, {"settings": settings})
    trainbook.collect(book, out, as_of=AS_OF)
    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        assert sorted(r[0] for r in con.execute("SELECT name FROM programs").fetchall()) == ["2026 春季班", "秋季班"]
    sessions = trainbook.read(book).typed("sessions")  # no start date set: the first session's day tells
    settings = named(book, "冬季班")
    settings.loc[settings["key"] == "start_date", "value"] = None
    write_tables(book, {"settings": settings, "sessions": sessions.assign(date=sessions["date"] + pd.Timedelta(weeks=20))})
    trainbook.collect(book, out, as_of=AS_OF)
    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        names = sorted(r[0] for r in con.execute("SELECT name FROM programs").fetchall())
    assert names == ["2026 春季班", "冬季班", "秋季班"]
