"""The code passes the project's linter and type checker (both configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "trainbook", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    result = run("mypy", "trainbook")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_imports_itself_through_others() -> None:
    """The layers hold: no import cycle among trainbook's modules, imports inside functions and
    for type checkers counted (`from trainbook.x import y` counts as importing trainbook.x.y when that
    is a module, else trainbook.x)."""
    import ast
    import graphlib

    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in (ROOT / "trainbook").rglob("*.py")}

    def module(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported |= {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = {m for m in map(module, imported) if m and m != name and m.startswith("trainbook")}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as cycle:
        raise AssertionError(f"import cycle: {' → '.join(cycle.args[1])}") from None


def test_the_languages_are_handled_in_one_place() -> None:
    """Every text is looked up in the catalogue (`i18n.message`, the validation codes) or is a
    declaration's own pair picked by `i18n.pick`: no module outside i18n compares a language, and
    every message it names is in the catalogue, in both languages."""
    import ast
    import re

    from trainbook.i18n import MESSAGES

    branches, unknown = [], []
    for path in (ROOT / "trainbook").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Compare) and any(isinstance(c, ast.Constant) and c.value in ("zh", "en")
                                                     for c in [node.left, *node.comparators]):
                if path.name != "i18n.py":
                    branches.append(f"{where}:{node.lineno}")
        unknown += [f"{where}: {key}" for key in re.findall(r'\bmessage\(\s*"([^"{}]+)"', source) if key not in MESSAGES]
    assert not branches, f"a language compared outside i18n: {branches}"
    assert not unknown, f"messages named but not in the catalogue: {unknown}"
    assert all(zh.strip() and en.strip() for zh, en in MESSAGES.values())


def test_one_clock_says_what_day_it_is() -> None:
    """Only trainbook.clock asks the computer what day and time it is (a backup's stamp, in
    workbook/safety.py, is the file system's own), so that fixing the clock fixes a whole run."""
    import re

    asking = [f"{path.relative_to(ROOT)}" for path in (ROOT / "trainbook").rglob("*.py")
              if path.name not in ("clock.py", "safety.py")
              and re.search(r"date\.today\(\)|datetime\.now\(\)", path.read_text(encoding="utf-8"))]
    assert not asking, asking
