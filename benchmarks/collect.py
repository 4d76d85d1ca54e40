"""Time `trainbook collect` over 50 medium programs against the floor of reading them all, and
write the figures into docs/benchmarks.md (the section between its collect markers).

    python benchmarks/collect.py [--programs 50] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import COLLECT, FLOOR, OUT, TRAINBOOK, machine, once  # noqa: E402
from sizes import SIZES  # noqa: E402

DOC = HERE.parent / "docs" / "benchmarks.md"
START, END = COLLECT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    book = OUT / "medium.xlsx"
    if not book.exists():  # generated in a child, so this parent stays small
        subprocess.run([sys.executable, str(HERE / "generate.py"), "medium", str(book)], check=True)
    folder = OUT / "programs"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    books = [Path(shutil.copy(book, folder / f"program-{i:02d}.xlsx")) for i in range(1, args.programs + 1)]
    warehouse = OUT / "warehouse"
    floor = once([sys.executable, "-c", FLOOR, *map(str, books)])
    runs = {}
    for jobs in sorted({1, args.jobs}):
        shutil.rmtree(warehouse, True)  # a first collect each time
        runs[jobs] = once([*TRAINBOOK, "collect", str(folder), "--out", str(warehouse), "--as-of", "2026-06-01",
                           "--jobs", str(jobs)], expect=(0,))
    again = once([*TRAINBOOK, "collect", str(folder), "--out", str(warehouse), "--as-of", "2026-06-01",
                  "--jobs", str(args.jobs)], expect=(0,))
    students, sessions = SIZES["medium"]
    lines = [START, "## collect", "",
             f"{args.programs} medium programs ({students:,} students × {sessions} sessions each, "
             f"{args.programs * students * sessions:,} attendance rows in all); {machine()}.", "",
             "| run | seconds | peak MB | × floor |", "|---|---:|---:|---:|",
             f"| floor: python-calamine read of every workbook, one process | {floor[0]:.1f} | {floor[1]:.0f} | 1.00 |"]
    for jobs, (secs, mb) in runs.items():
        lines.append(f"| trainbook collect --jobs {jobs} | {secs:.1f} | {mb:.0f} | {secs / floor[0]:.2f} |")
    lines += [f"| trainbook collect --jobs {args.jobs}, again (every program replaced) | {again[0]:.1f} | "
              f"{again[1]:.0f} | {again[0] / floor[0]:.2f} |", "",
              f"- reading the workbooks is {floor[0] / runs[1][0]:.0%} of a one-job collect; the rest is typing the "
              "rows, working out progress per program and DuckDB's inserts and Parquet writes",
              "- peak memory is the parent's: it holds every program's rows until it writes them in one transaction "
              "(each worker holds one program at a time); writing each program as it arrives would bound it",
              END]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    section = "\n".join(lines)
    if START in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
