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
