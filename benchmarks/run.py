"""Time trainbook against the python-calamine read floor and the naive pandas/openpyxl way.

Every measurement is a whole process (start-up and imports included), with its peak memory;
each trainbook run is the median of three, each just after its floor (the median of those three);
the slow naive runs once; the start-up figures are medians of seven.

    python benchmarks/run.py [small medium large] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sizes import SIZES  # noqa: E402

OUT = HERE / "out"
FLOOR = """
import sys, python_calamine
for path in sys.argv[1:]:
    wb = python_calamine.CalamineWorkbook.from_path(path)
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""
FLOOR_WITH_IMPORTS = """
import sys, pandas, pydantic, python_calamine
for path in sys.argv[1:]:
    wb = python_calamine.CalamineWorkbook.from_path(path)
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""
WARM = """
import json, statistics, sys, time
import python_calamine
import trainbook

path, repeat = sys.argv[1], int(sys.argv[2])

def read():
    wb = python_calamine.CalamineWorkbook.from_path(path)
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)

def median(run):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)

trainbook.validate(path)  # the first call imports what validate needs
print(json.dumps({"read": median(read), "validate": median(lambda: trainbook.validate(path))}))
"""
NAIVE_READ = """
import sys, pandas as pd
frames = pd.read_excel(sys.argv[1], sheet_name=None, engine="openpyxl")
"""
NAIVE_WRITE = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb.save(sys.argv[1])
"""
TRAINBOOK = [sys.executable, "-m", "trainbook.cli"]
CACHE = OUT / "cache"  # the runs' cache folder (XDG_CACHE_HOME), not the user's
COLLECT = ("<!-- collect -->", "<!-- /collect -->")  # benchmarks/collect.py's section, kept when this one rewrites
PROFILES = ("<!-- profiles -->", "<!-- /profiles -->")  # where the time goes, written by hand: kept too


def paired(cmd: list[str], floor: list[str], expect: tuple[int, ...] = (0, 1),
           prepare: Callable[[], object] = lambda: None, repeat: int = 3) -> tuple[float, float, float]:
    """Medians of `repeat` whole runs of `cmd` and of its floor, alternating (the machine's moods
    fall on both): seconds, peak MB, the floor's seconds."""
    ours, floors, peaks = [], [], []
    for _ in range(repeat):
        floors.append(once(floor, (0,))[0])
        prepare()
        secs, mb = once(cmd, expect)
        ours.append(secs)
        peaks.append(mb)
    return statistics.median(ours), max(peaks), statistics.median(floors)


def once(cmd: list[str], expect: tuple[int, ...] = (0, 1)) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one whole process (this parent imports no pandas, so
    the child's peak, which Linux counts from fork, is its own)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in expect:
        raise SystemExit(f"{' '.join(cmd)} exited {code}")
    return elapsed, usage.ru_maxrss / 1024


def fresh_copy(book: Path) -> Path:
    copy = book.with_name(f"{book.stem}-copy.xlsx")
    shutil.copy(book, copy)
    shutil.rmtree(book.parent / ".trainbook-backups", ignore_errors=True)
    return copy


def bench(size: str) -> dict[str, tuple[float, float, float]]:
    """Each trainbook run against its floor (medians of three, alternating), plus the naive ways
    once. The sheets-checked cache holds the master's sheets, as an earlier click leaves it (one
    run shows a first read, nothing cached); a merged export is new to it, as it is on its merge."""
    book = OUT / f"{size}.xlsx"
    punches = OUT / f"{size}-punches.xlsx"
    for path, extra in ((book, []), (punches, ["--punches"])):
        if not path.exists():  # generated in a child, so this parent stays small
            subprocess.run([sys.executable, str(HERE / "generate.py"), size, str(path), *extra], check=True)
    py = sys.executable
    copy = book.with_name(f"{book.stem}-copy.xlsx")
    floor, floor_both = [py, "-c", FLOOR, str(book)], [py, "-c", FLOOR, str(book), str(punches)]
    shutil.rmtree(CACHE, ignore_errors=True)
    once([*TRAINBOOK, "validate", str(book)])  # the master's sheets, checked once
    checked = {p: p.read_bytes() for p in CACHE.rglob("*.json")}

    def as_left(book_copy: bool = True) -> None:
        for path, data in checked.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if book_copy:
            fresh_copy(book)

    def nothing_cached() -> None:
        shutil.rmtree(CACHE, ignore_errors=True)

    results = {
        "trainbook validate": paired([*TRAINBOOK, "validate", str(book), "--format", "json"], floor,
                                     prepare=lambda: as_left(False)),
        "trainbook validate, nothing cached": paired([*TRAINBOOK, "validate", str(book), "--format", "json"], floor,
                                                     prepare=nothing_cached),
        "trainbook validate --annotate": paired([*TRAINBOOK, "validate", str(copy), "--annotate"], floor,
                                                prepare=as_left),
        "trainbook progress": paired([*TRAINBOOK, "progress", str(copy), "--as-of", "2026-06-01"], floor,
                                     prepare=as_left, expect=(0,)),
        "trainbook share": paired([*TRAINBOOK, "share", str(book), "--out", str(OUT / f"{size}-report.xlsx"),
                                   "--as-of", "2026-06-01"], floor, prepare=lambda: as_left(False), expect=(0,)),
        "trainbook merge (punch export)": paired([*TRAINBOOK, "merge", str(copy), str(punches)], floor_both,
                                                 prepare=as_left, expect=(0,)),
    }
    naive = {"naive read: pandas read_excel (openpyxl)": once([py, "-c", NAIVE_READ, str(book)]),
             "naive write: openpyxl load + save": once([py, "-c", NAIVE_WRITE, str(fresh_copy(book))])}
    results |= {name: (secs, mb, results["trainbook validate"][2]) for name, (secs, mb) in naive.items()}
    for name, (secs, mb, under) in results.items():
        print(f"{size:7} {name:45} {secs:8.2f} s {mb:8.0f} MB  floor {under:6.2f} s", flush=True)
    return results


def startup() -> dict[str, float]:
    """What every click and command pays, on the small program (medians of whole processes): a bare
    Python and `trainbook --help`; the floor of any pandas tool (import pandas and pydantic, read
    every sheet with python-calamine) and `trainbook validate`; and, in a running Python (a notebook,
    a batch, xlwings' UDF server), `trainbook.validate` called again against a calamine read."""
    book = OUT / "small.xlsx"
    if not book.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "small", str(book)], check=True)
    py = sys.executable
    results = {"bare python -c pass": median([py, "-c", "pass"]),
               "trainbook --help": median([*TRAINBOOK, "--help"]),
               "floor: import pandas, pydantic; calamine read": median([py, "-c", FLOOR_WITH_IMPORTS, str(book)]),
               "trainbook validate": median([*TRAINBOOK, "validate", str(book), "--format", "json"])}
    warm = json.loads(subprocess.run([py, "-c", WARM, str(book), "7"], check=True, capture_output=True,
                                     text=True).stdout)
    results["in a running Python: calamine read"] = warm["read"]
    results["in a running Python: trainbook.validate again"] = warm["validate"]
    for name, secs in results.items():
        print(f"startup {name:50} {secs:8.4f} s", flush=True)
    return results


def median(cmd: list[str], repeat: int = 7) -> float:
    """Median wall seconds of `repeat` whole processes."""
    return statistics.median(once(cmd, (0, 1))[0] for _ in range(repeat))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 1024**2
    libs = ", ".join(f"{p} {version(p)}" for p in ("pandas", "python-calamine", "openpyxl", "numpy"))
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; {libs}")


GOALS = {"trainbook validate": 1.5, "trainbook progress": 1.5, "trainbook merge (punch export)": 2.5}  # issue 30, large


def report(all_results: dict[str, dict[str, tuple[float, float, float]]], start: dict[str, float]) -> str:
    lines = ["# Benchmarks", "",
             "Produced by `python benchmarks/run.py` (whole processes: start-up and imports included;",
             "peak = maximum resident memory of the process). Programs come from `benchmarks/generate.py`:",
             ", ".join(f"{k} = {s:,} students × {n} sessions" for k, (s, n) in SIZES.items()) + ".", "",
             f"Machine: {machine()}.", "",
             "Each trainbook run is the median of three whole processes, each run just after its floor —",
             "python-calamine reading every sheet of the same file (for merge, of the master and the export) —",
             "and set against the median of those three floors. The sheets-checked cache (a sheet's scan for",
             "far-reaching cells, remembered by its digest) holds the master's sheets as an earlier click",
             "leaves them; `validate, nothing cached` is a master's first read, and a merged export is always",
             "new to the cache. trainbook's modules are compiled first, as an installed package's are.",
             "The naive ways run once. On the small programs, starting Python and",
             "importing pandas (0.3–0.6 s, by the machine) is most of the time.", "",
             "## start-up (small program, medians)", "", "| run | seconds |", "|---|---:|"]
    for name, secs in start.items():
        lines.append(f"| {name} | {secs:.4f} |")
    floor, warm_floor = start["floor: import pandas, pydantic; calamine read"], start["in a running Python: calamine read"]
    lines += ["",
              f"- `trainbook --help`: {start['trainbook --help'] / start['bare python -c pass']:.1f}× a bare Python "
              "start (target ≤ 5)",
              f"- `trainbook validate`: {start['trainbook validate'] / floor:.2f}× the floor of a pandas tool "
              "(target ≤ 1.25)",
              f"- `trainbook.validate` again in a running Python: "
              f"{start['in a running Python: trainbook.validate again'] / warm_floor:.3g}× a calamine read of the "
              "same file in that Python (target ≤ 2)", ""]
    for size, results in all_results.items():
        lines += [f"## {size}", "", "| run | seconds | peak MB | floor seconds | × floor |", "|---|---:|---:|---:|---:|"]
        for name, (secs, mb, under) in results.items():
            lines.append(f"| {name} | {secs:.2f} | {mb:.0f} | {under:.2f} | {secs / under:.2f} |")
        lines.append("")
        if size == "large":
            for name, goal in GOALS.items():
                secs, mb, under = results[name]
                met = "met" if secs / under <= goal else "not met"
                lines.append(f"- {name.removeprefix('trainbook ')}: {secs / under:.2f}× its floor (goal ≤ {goal}, {met}), "
                             f"peak {mb:.0f} MB (goal < {1024 if 'merge' in name else 1536} MB)")
        lines += [f"- peak memory of any trainbook run: "
                  f"{max(mb for name, (_, mb, _) in results.items() if name.startswith('trainbook')):.0f} MB", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", choices=[*SIZES, []], help="default: all")
    parser.add_argument("--out", type=Path, default=HERE.parent / "docs" / "benchmarks.md")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    os.environ["XDG_CACHE_HOME"] = str(CACHE)
    # trainbook's modules compiled, as an installed package's are (pip compiles them on install): a
    # checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile every module in every run
    compileall.compile_dir(HERE.parent / "trainbook", quiet=1)
    start = startup()
    results = {size: bench(size) for size in args.sizes or list(SIZES)}
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    kept = "".join(f"\n{previous[previous.index(start_mark):previous.index(end_mark) + len(end_mark)]}\n"
                   for start_mark, end_mark in (PROFILES, COLLECT) if start_mark in previous)
    args.out.write_text(report(results, start) + kept, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
