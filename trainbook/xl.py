"""The Excel buttons. Each gets the calling book, runs one library operation, writes the result
back in whole ranges and shows one summary line. VBA in macros/ calls these through RunPython."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import xlwings as xw

from trainbook.errors import TrainbookError
from trainbook.importers.merge import MergeResult, merge_pasted
from trainbook.progress import progress as compute_progress
from trainbook.progress import summary
from trainbook.validation import Report
from trainbook.validation import validate as validate_book

TITLE = "trainbook"


def _run(operation: Callable[[Any], str]) -> None:
    """Run a button's operation on the calling book; every outcome ends in one alert, no traceback."""
    book = xw.Book.caller()
    try:
        text = operation(book)
    except TrainbookError as exc:
        text = exc.message
    except Exception as exc:  # a button must never drop the user into a Python traceback
        text = f"trainbook 出错 / failed: {exc}"
    book.app.alert(text, title=TITLE)


def _validate_summary(report: Report) -> str:
    if report.lang == "zh":
        if report.ok and not report.warnings:
            return "校验通过：没有发现问题。"
        return f"校验完成：{report.errors} 个错误，{report.warnings} 个警告。请到“校验结果”表逐条查看并修正标红的单元格。"
    if report.ok and not report.warnings:
        return "Validation passed: no problems found."
    return (f"Validation found {report.errors} errors and {report.warnings} warnings: "
            "see the Issues sheet and fix the cells marked red.")


def _merge_summary(result: MergeResult, lang: str) -> str:
    if result.already_imported:
        return "这份数据已经导入过，未做改动。" if lang == "zh" else "This data was imported before; nothing changed."
    if lang == "zh":
        return (f"合并完成（{result.kind}）：读取 {result.rows} 行，匹配 {result.matched}，新增 {result.inserted}，"
                f"更新 {result.updated}，未变 {result.unchanged}，待确认 {result.review}。粘贴区已清空。")
    return (f"Merged ({result.kind}): {result.rows} rows, {result.matched} matched, {result.inserted} inserted, "
            f"{result.updated} updated, {result.unchanged} unchanged, {result.review} to review. Paste sheet cleared.")


def merge() -> None:
    """The 合并导入 button: merge what was pasted into the paste sheet, then clear it."""
    def run(book: Any) -> str:
        result = merge_pasted(book)
        return _merge_summary(result, result.lang)

    _run(run)


def progress() -> None:
    """The 计算进度 button: rewrite the progress sheet and show the headline figures."""
    def run(book: Any) -> str:
        result = compute_progress(book)
        return summary(result, result.lang).splitlines()[0]

    _run(run)


def validate() -> None:
    """The 校验 button: validate the book, write the issues sheet and mark the cells."""
    _run(lambda book: _validate_summary(validate_book(book, annotate=True)))
