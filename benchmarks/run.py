"""Time trainbook against the python-calamine read floor and the naive pandas/openpyxl way.

Every measurement is a whole process (start-up and imports included), with its peak memory;
trainbook and the floor take the best of three runs, the slow naive runs one; the start-up
figures are medians of seven.

    python benchmarks/run.py [small medium large] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
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
COLLECT = ("<!-- collect -->", "<!-- /collect -->")  # benchmarks/collect.py's section, kept when this one rewrites


def measure(cmd: list[str], expect: tuple[int, ...] = (0, 1), repeat: int = 1,
            prepare: Callable[[], object] = lambda: None) -> tuple[float, float]:
    """Best wall seconds of `repeat` runs and peak resident MB of one whole process (this parent
    imports no pandas, so the child's peak, which Linux counts from fork, is its own)."""
    runs = []
    for _ in range(repeat):
        prepare()
        runs.append(_once(cmd, expect))
    return min(r[0] for r in runs), max(r[1] for r in runs)


def _once(cmd: list[str], expect: tuple[int, ...]) -> tuple[float, float]:
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


def bench(size: str) -> dict[str, tuple[float, float]]:
    book = OUT / f"{size}.xlsx"
    punches = OUT / f"{size}-punches.xlsx"
    for path, extra in ((book, []), (punches, ["--punches"])):
        if not path.exists():  # generated in a child, so this parent stays small
            subprocess.run([sys.executable, str(HERE / "generate.py"), size, str(path), *extra], check=True)
    py = sys.executable
    copy = book.with_name(f"{book.stem}-copy.xlsx")
    results = {
        "floor: python-calamine read": measure([py, "-c", FLOOR, str(book)], repeat=3),
        "trainbook validate": measure([*TRAINBOOK, "validate", str(book), "--format", "json"], repeat=3),
        "trainbook validate --annotate": measure([*TRAINBOOK, "validate", str(copy), "--annotate"],
                                                 repeat=3, prepare=lambda: fresh_copy(book)),
        "trainbook progress": measure([*TRAINBOOK, "progress", str(copy), "--as-of", "2026-06-01"], repeat=3,
                                      prepare=lambda: fresh_copy(book), expect=(0,)),
        "trainbook share": measure([*TRAINBOOK, "share", str(book), "--out", str(OUT / f"{size}-report.xlsx"),
                                    "--as-of", "2026-06-01"], repeat=3, expect=(0,)),
        "floor: python-calamine read of master + punch export": measure(
            [py, "-c", FLOOR, str(book), str(punches)], repeat=3),
        "trainbook merge (punch export)": measure([*TRAINBOOK, "merge", str(copy), str(punches)],
                                                  prepare=lambda: fresh_copy(book), expect=(0,)),
        "naive read: pandas read_excel (openpyxl)": measure([py, "-c", NAIVE_READ, str(book)]),
        "naive write: openpyxl load + save": measure([py, "-c", NAIVE_WRITE, str(fresh_copy(book))]),
    }
    for name, (secs, mb) in results.items():
        print(f"{size:7} {name:45} {secs:8.2f} s {mb:8.0f} MB", flush=True)
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
    return statistics.median(_once(cmd, (0, 1))[0] for _ in range(repeat))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 1024**2
    libs = ", ".join(f"{p} {version(p)}" for p in ("pandas", "python-calamine", "openpyxl", "numpy"))
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; {libs}")


def merge_ratio(results: dict[str, tuple[float, float]]) -> float:
    return (results["trainbook merge (punch export)"][0]
            / results["floor: python-calamine read of master + punch export"][0])


def report(all_results: dict[str, dict[str, tuple[float, float]]], start: dict[str, float]) -> str:
    lines = ["# Benchmarks", "",
             "Produced by `python benchmarks/run.py` (whole processes: start-up and imports included;",
             "peak = maximum resident memory of the process). Programs come from `benchmarks/generate.py`:",
             ", ".join(f"{k} = {s:,} students × {n} sessions" for k, (s, n) in SIZES.items()) + ".", "",
             f"Machine: {machine()}.", "",
             "The targets (from the issues) apply to the large program; on the small ones, starting Python and",
             "importing pandas (about 0.6 s) is most of the time.", "",
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
        floor = results["floor: python-calamine read"][0]
        validate = results["trainbook validate"][0]
        annotate = results["trainbook validate --annotate"][0]
        lines += [f"## {size}", "", "| run | seconds | peak MB | × floor |", "|---|---:|---:|---:|"]
        for name, (secs, mb) in results.items():
            lines.append(f"| {name} | {secs:.2f} | {mb:.0f} | {secs / floor:.2f} |")
        lines += ["",
                  f"- validate: {validate / floor:.2f}× the floor (target ≤ {6 if size == 'small' else 2}); naive read is "
                  f"{results['naive read: pandas read_excel (openpyxl)'][0] / validate:.1f}× slower (target ≥ 5)",
                  f"- annotate: {annotate / floor:.2f}× the floor (target ≤ 4); openpyxl load + save is "
                  f"{results['naive write: openpyxl load + save'][0] / annotate:.1f}× slower (target ≥ 10)",
                  f"- progress: {results['trainbook progress'][0] / floor:.2f}× the floor (target ≤ 3), peak "
                  f"{results['trainbook progress'][1]:.0f} MB (target < 1,500)",
                  f"- share: {results['trainbook share'][0] / floor:.2f}× the floor, peak "
                  f"{results['trainbook share'][1]:.0f} MB (the master is only read; the report is values)",
                  f"- merge of a {SIZES[size][0] * SIZES[size][1]:,}-row punch export: "
                  f"{merge_ratio(results):.2f}× "
                  "the floor of reading both files (target ≤ 5), peak "
                  f"{results['trainbook merge (punch export)'][1]:.0f} MB (target < 1,500)",
                  f"- peak memory of any trainbook run: "
                  f"{max(mb for name, (_, mb) in results.items() if name.startswith('trainbook')):.0f} MB "
                  "(target < 1,500)", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", choices=[*SIZES, []], help="default: all")
    parser.add_argument("--out", type=Path, default=HERE.parent / "docs" / "benchmarks.md")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    start = startup()
    results = {size: bench(size) for size in args.sizes or list(SIZES)}
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    kept = previous[previous.index(COLLECT[0]):previous.index(COLLECT[1]) + len(COLLECT[1])] \
        if COLLECT[0] in previous else ""
    args.out.write_text(report(results, start) + (f"\n{kept}\n" if kept else ""), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
