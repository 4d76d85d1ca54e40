"""`collect`: many programs in one place — a DuckDB database and a hive-partitioned Parquet folder
that DuckDB, Spark, Trino or pandas read as one dataset.

Every table's columns come from the sheets' declarations, typed (dates as timestamps, rates and
scores as doubles, choices as their keys), and every row carries `program`, a key from the
program's name and organizer. Collecting a program again replaces its rows. `people` ties the
students of all programs together: one person per DingTalk UserId, 工号 or mobile they share.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from trainbook import values
from trainbook.i18n import Lang, listing, message
from trainbook.schema.columns import Column
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook.master import Master

DATABASE = "trainbook.duckdb"
SHEETS = ("enrollment", "sessions", "attendance", "tasks", "submissions", "scores", "feedback")
TABLES = {"students": "enrollment", **{key: key for key in SHEETS[1:]}}  # table → the sheet it holds
SQL_TYPES = {"date": "DATE", "datetime": "TIMESTAMP", "time": "TIME", "number": "DOUBLE", "percent": "DOUBLE",
             "integer": "BIGINT"}
IDENTITY = ("dingtalk_userid", "employee_no", "mobile")  # how one person is known in two programs, best first


@dataclass
class Collected:
    """One book's tables, as read in its worker."""

    path: str
    program: str = ""
    name: str = ""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    reason: str = ""  # why it was skipped
    cautions: list[str] = field(default_factory=list)  # what to know before trusting its progress figures
    renamed_from: list[str] = field(default_factory=list)  # names it was collected under before, replaced


@dataclass
class CollectRun:
    lang: Lang
    out: Path
    books: list[Collected]

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        done = [b for b in self.books if not b.reason]
        lines = [message("collect-done", lang, count=len({b.program for b in done}), path=self.out / DATABASE,
                         parquet=self.out / "parquet")]
        for book in self.books:
            if book.reason:
                lines.append(message("collect-skipped", lang, path=book.path, reason=book.reason))
            else:
                lines.append(message("collect-book", lang, program=book.program, students=len(book.tables["students"]),
                                     attendance=len(book.tables["attendance"])))
                lines += ["    " + line for caution in book.cautions for line in caution.splitlines()]
                if book.renamed_from:
                    lines.append("    " + message("collect-renamed", lang, names=listing(book.renamed_from, lang)))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"books": [{"path": b.path, "program": b.program or None,
                           "status": "skipped" if b.reason else "collected", "reason": b.reason or None,
                           "rows": {t: len(f) for t, f in b.tables.items()}, "cautions": b.cautions} for b in self.books]}


def program_key(name: str, organizer: str, fallback: str) -> str:
    """A program's key: its name and organizer, fit for a folder name (program=<key>)."""
    from trainbook.outputs import safe_name

    text = "-".join(part for part in (name, organizer) if part) or fallback
    return re.sub(r"[=%\s/\\]+", "_", safe_name(text))


def collect_one(item: tuple[str, dt.date, tuple[str, ...], Lang]) -> Collected:
    """One book, in a worker: its tables, or why it cannot be collected (never raises). `item`:
    its path, the day progress is worked out as of, the sheets progress cannot do without, and the
    language to say why in."""
    from trainbook.errors import TrainbookError
    from trainbook.workbook.engine import require_columns
    from trainbook.workbook.file_engine import FileEngine

    path, as_of, needs, lang = item
    try:
        master = FileEngine(Path(path)).read()
        require_columns(master, needs)
        return tables_of(master, as_of, path, lang)
    except TrainbookError as exc:
        return Collected(path, reason=exc.message)
    except Exception as exc:  # this book's internal error, not the batch's
        return Collected(path, reason=message("internal-error", lang, detail=exc))


def tables_of(master: Master, as_of: dt.date, path: str, lang: Lang) -> Collected:
    """Every table of one master, typed, with its program key on each row, and what to know before
    trusting its progress figures, said in `lang`."""
    from trainbook.metrics import cautions, compute
    from trainbook.policy.settings import settings_and_ignored

    settings, _ = settings_and_ignored(master)
    name = settings.program_name or Path(path).stem
    key = program_key(settings.program_name, settings.organizer, Path(path).stem)
    out = Collected(path, key, name)
    for table, sheet in TABLES.items():
        out.tables[table] = _typed(values.typed(master.frame(sheet), BY_KEY[sheet]), BY_KEY[sheet].columns, key)
    result = compute(master, as_of)
    out.cautions = cautions(result, lang)
    progress = result.students.reset_index()
    out.tables["progress"] = _typed(progress, BY_KEY["progress"].columns, key)
    out.tables["programs"] = pd.DataFrame([{
        "program": key, "name": name, "organizer": settings.organizer or None,
        "start_date": settings.start_date or (result.plan["date"].min() if "date" in result.plan else None),
        "end_date": settings.end_date, "as_of": as_of, "path": str(Path(path).resolve()), "students": len(progress),
        "sessions": len(result.plan)}]).astype({"start_date": "datetime64[ns]", "end_date": "datetime64[ns]",
                                                  "as_of": "datetime64[ns]"})
    return out


def _typed(rows: pd.DataFrame, columns: tuple[Column, ...], program: str) -> pd.DataFrame:
    """Typed rows in the declared columns and the warehouse's types (a column missing is all missing)."""
    rows = rows.reindex(columns=[c.key for c in columns]).reset_index(drop=True)
    for column in columns:
        kind = SQL_TYPES.get(column.kind)
        if kind in ("DATE", "TIMESTAMP"):
            rows[column.key] = pd.to_datetime(rows[column.key], errors="coerce")
        elif kind in ("DOUBLE", "BIGINT"):
            rows[column.key] = pd.to_numeric(rows[column.key], errors="coerce").astype("float64")
        elif kind == "TIME":
            rows[column.key] = rows[column.key].map(lambda t: t.strftime("%H:%M:%S") if isinstance(t, dt.time) else None)
        else:
            rows[column.key] = values.text(rows[column.key]).astype(object)
    rows.insert(0, "program", program)
    return rows


def _ddl(table: str) -> str:
    """The table's columns in DuckDB's types."""
    if table == "programs":
        spec = ["program VARCHAR", "name VARCHAR", "organizer VARCHAR", "start_date TIMESTAMP", "end_date TIMESTAMP",
                "as_of TIMESTAMP", "path VARCHAR", "students BIGINT", "sessions BIGINT"]
    else:
        columns = BY_KEY["progress" if table == "progress" else TABLES[table]].columns
        spec = ["program VARCHAR", *(f'"{c.key}" {_sql_type(c)}' for c in columns)]
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({", ".join(spec)})'


def _sql_type(column: Column) -> str:
    kind = SQL_TYPES.get(column.kind, "VARCHAR")
    return {"DATE": "TIMESTAMP", "TIME": "VARCHAR", "BIGINT": "DOUBLE"}.get(kind, kind)


def store(out: Path, books: list[Collected], lang: Lang) -> None:
    """Each collected book's rows into the database (its earlier rows replaced), its Parquet
    partitions rewritten, and `people` worked out again over every program."""
    import duckdb

    from trainbook.errors import WriteError

    out.mkdir(parents=True, exist_ok=True)
    done = [b for b in books if not b.reason]
    try:
        con = duckdb.connect(str(out / DATABASE))
    except duckdb.IOException as exc:
        raise WriteError(message("collect-locked", lang, path=out / DATABASE)) from exc
    with con:
        for table in ("programs", *TABLES, "progress"):
            con.execute(_ddl(table))
        con.execute("BEGIN TRANSACTION")
        gone = []
        for book in done:
            for old, name in _renamed(con, book):  # the same program, its name or organizer edited since
                book.renamed_from.append(name)
                gone.append(old)
                for table in book.tables:
                    con.execute(f'DELETE FROM "{table}" WHERE program = ?', [old])
            for table, frame in book.tables.items():
                con.execute(f'DELETE FROM "{table}" WHERE program = ?', [book.program])
                con.register("incoming", frame)
                con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM incoming')
                con.unregister("incoming")
        everyone = con.execute('SELECT program, student_id, name, department, dingtalk_userid, employee_no, mobile '
                               'FROM students ORDER BY program, student_id').df()
        con.register("incoming", people(everyone))
        con.execute("CREATE OR REPLACE TABLE people AS SELECT * FROM incoming")
        con.unregister("incoming")
        con.execute("COMMIT")
        for old in gone:
            for table in ("programs", *TABLES, "progress"):
                shutil.rmtree(out / "parquet" / table / f"program={old}", ignore_errors=True)
        for book in done:
            for table in book.tables:
                _partition(con, out, table, book.program)


def _renamed(con: Any, book: Collected) -> list[tuple[str, str]]:
    """(key, name) of programs collected before from the same file with the same start date (its
    setting, else its first session's day) under another key: the same program, renamed (or its
    organizer changed). A file reused for a program that starts another day, or whose start is not
    known, is another program, and both are kept."""
    programs = book.tables["programs"]
    start, here = programs["start_date"].iloc[0], Path(str(programs["path"].iloc[0]))
    if pd.isna(start):
        return []
    earlier = con.execute("SELECT program, name, path FROM programs WHERE program <> ? AND start_date = ?",
                          [book.program, start.to_pydatetime()]).fetchall()
    return [(str(key), str(name)) for key, name, path in earlier if path and Path(path).resolve() == here]


def people(students: pd.DataFrame) -> pd.DataFrame:
    """One row per student of every program with `person`: the same for two students who share a
    DingTalk UserId, a 工号 or a mobile (directly or through others) — named by the best identifier
    any of them has (the UserId first), so a person's key stays when another program is added."""
    keys = list(zip(students["program"], students["student_id"]))
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for column in IDENTITY:
        for i, value in enumerate(students[column]):
            if isinstance(value, str) and value.strip():
                j = first.setdefault(f"{column}:{value.strip()}", i)
                parent[root(i)] = root(j)
    best: dict[int, tuple[int, str]] = {}
    for rank, column in enumerate(IDENTITY):
        for i, value in enumerate(students[column]):
            if isinstance(value, str) and value.strip():
                r = root(i)
                best[r] = min(best.get(r, (rank, f"{column}:{value.strip()}")), (rank, f"{column}:{value.strip()}"))
    out = students[["program", "student_id", "name", "department", *IDENTITY]].copy()
    out.insert(0, "person", [best[root(i)][1] if root(i) in best else f"{p}/{s}" for i, (p, s) in enumerate(keys)])
    return out


def _partition(con: Any, out: Path, table: str, program: str) -> None:
    """The program's rows of `table` as DIR/parquet/<table>/program=<key>/data.parquet, replacing
    what was there (written beside it first, then moved in)."""
    folder = out / "parquet" / table / f"program={program}"
    staging = folder.with_name(folder.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    target = str(staging / "data.parquet").replace("'", "''")
    con.execute(f"COPY (SELECT * EXCLUDE (program) FROM \"{table}\" WHERE program = ?) TO '{target}' (FORMAT PARQUET)",
                [program])
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


def history(out: Path, lang: Lang) -> list[str]:
    """People found in more than one program, with how each ended: the demo's cross-program answer."""
    import duckdb

    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        rows = con.execute("""
            SELECT p.person, any_value(p.name) AS name,
                   string_agg(g.name || chr(31) || coalesce(r.certificate, '—'), chr(30) ORDER BY g.start_date) AS path
            FROM people p JOIN programs g USING (program) LEFT JOIN progress r USING (program, student_id)
            GROUP BY p.person HAVING count(DISTINCT p.program) > 1 ORDER BY name""").fetchall()
    certificate = {c.key: c.label(lang) for c in BY_KEY["progress"].column("certificate").choices}

    def step(part: str) -> str:  # 'program：是'
        program, _, key = part.partition(chr(31))
        return message("labelled", lang, label=program, value=certificate.get(key, key))

    return [message("collect-history", lang, name=name, path=" → ".join(step(p) for p in path.split(chr(30))))
            for _, name, path in rows]
