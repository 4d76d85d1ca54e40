"""Reading and writing master workbooks: a file engine and an xlwings engine behind one interface
(`engine.Engine`), each imported when a workbook is opened with it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trainbook.workbook.engine import Engine


def engine_for(target: Any) -> Engine:
    """A FileEngine for a path, an XlwingsEngine for an xlwings Book, or the engine itself."""
    if isinstance(target, (str, Path)):
        from trainbook.workbook.file_engine import FileEngine

        return FileEngine(target)
    if hasattr(target, "read") and hasattr(target, "write"):
        return target  # type: ignore[no-any-return]
    from trainbook.workbook.xlwings_engine import XlwingsEngine

    return XlwingsEngine(target)


__all__ = ["engine_for"]
