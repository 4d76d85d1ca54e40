"""Docs that cannot drift: the reference is generated, and the README names every command."""

from __future__ import annotations

from pathlib import Path

from trainbook.cli import main
from trainbook.reference import render_reference
from trainbook.validation.catalogue import CODES

ROOT = Path(__file__).resolve().parents[1]


def test_reference_is_current() -> None:
    assert (ROOT / "docs" / "reference.md").read_text(encoding="utf-8") == render_reference(), (
        "docs/reference.md is stale: python -m trainbook.reference > docs/reference.md")


def test_every_code_is_in_the_reference() -> None:
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code.code}`" in text


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"trainbook {name}" in readme, name
    assert "trainbook demo" in readme and "<!-- test-command -->" in readme


def test_the_design_names_every_package_and_module() -> None:
    """docs/design.md is the map: every package and top-level module of trainbook is on it."""
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    package = ROOT / "trainbook"
    places = [f"trainbook/{p.name}/" for p in package.iterdir() if (p / "__init__.py").exists()]
    places += [f"trainbook/{p.name}" for p in package.glob("*.py") if p.name != "__main__.py"]
    assert places and not [p for p in places if p not in design]


def test_no_text_points_outside_the_repository() -> None:
    """Comments, docstrings and docs say what they mean, or point to a file here."""
    import re

    outside = re.compile(r"SPEC\s*§|shared/[\w-]+\.md|DEVELOPERS\.md")
    files = [*ROOT.glob("trainbook/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("docs/*.md"),
             *ROOT.glob("macros/*"), *ROOT.glob("benchmarks/*.py"), ROOT / "README.md"]
    found = [f"{f.relative_to(ROOT)}:{n}" for f in files if f.is_file()
             for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if outside.search(line)]
    assert not found, found
