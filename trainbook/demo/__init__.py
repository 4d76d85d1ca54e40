"""`trainbook demo`: a realistic sample program built into a master workbook, its DingTalk exports
written and merged, and every operation run on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from trainbook.api import init
from trainbook.demo.exports import program_exports
from trainbook.demo.program import sample_program
from trainbook.i18n import Lang
from trainbook.importers.merge import merge
from trainbook.progress import progress, summary
from trainbook.validation import validate
from trainbook.workbook.engine import Update
from trainbook.workbook.file_engine import FileEngine

RECORDS = ("attendance", "submissions", "scores", "feedback")
AS_OF = dt.date(2026, 11, 29)  # the sample program's "today": sessions up to C08 have been held


def build_demo_book(path: Path, lang: Lang = "zh", records: bool = True) -> Path:
    """Create `path` as a master holding the sample program; without `records`, only the roster
    and plan (what a coordinator has before the first DingTalk export comes in)."""
    init(path, lang=lang, overwrite=True)
    engine = FileEngine(path, lang)
    tables = sample_program(lang)
    if not records:
        tables = {k: v for k, v in tables.items() if k not in RECORDS}
    engine.write(engine.read(), Update(tables=tables))
    return path


def run_demo(folder: Path, lang: Lang = "zh", echo: Callable[[str], None] = print) -> Path:
    """Build the sample program in `folder`, merge its exports, validate, and say what happened."""
    zh = lang == "zh"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("培训项目-示例.xlsx" if zh else "demo-program.xlsx")
    build_demo_book(path, lang, records=False)
    exports = program_exports(sample_program("zh"), folder / ("钉钉导出" if zh else "dingtalk-exports"))
    echo((f"已生成示例项目 {path}，以及 {len(exports)} 份钉钉导出（{exports[0].parent}）。") if zh else
         (f"Built the sample program {path} and {len(exports)} DingTalk exports ({exports[0].parent})."))
    for merged in merge(path, *exports):
        echo((f"  合并 {merged.path}（{merged.kind}）：读取 {merged.rows} 行，新增 {merged.inserted}，"
              f"更新 {merged.updated}，未变 {merged.unchanged}，待确认 {merged.review}") if zh else
             (f"  merged {merged.path} ({merged.kind}): {merged.rows} rows, {merged.inserted} inserted, "
              f"{merged.updated} updated, {merged.unchanged} unchanged, {merged.review} to review"))
    echo(summary(progress(path, as_of=AS_OF), lang))
    report = validate(path, annotate=True)
    echo((f"校验：{report.errors} 个错误、{report.warnings} 个警告（示例里故意留了几处常见错误），"
          f"详见“校验结果”表，出错的单元格已标红。") if zh else
         (f"Validation: {report.errors} errors and {report.warnings} warnings (planted on purpose); "
          f"see the Issues sheet, offending cells are marked red."))
    for issue in report.issues:
        echo(f"  - {issue.sheet_name}!{issue.cell or ''} {issue.code}: {issue.message}")
    echo(("打开工作簿查看：" if zh else "Open the workbook: ") + str(path.resolve()))
    return path
