"""Reading and writing master workbooks: a file engine and an xlwings engine behind one interface."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trainbook.workbook.engine import Engine, Update
from trainbook.workbook.file_engine import FileEngine
from trainbook.workbook.master import Master, Table


def engine_for(target: Any) -> Engine:
    """A FileEngine for a path, an XlwingsEngine for an xlwings Book, or the engine itself."""
    if isinstance(target, (str, Path)):
        return FileEngine(target)
    if hasattr(target, "read") and hasattr(target, "write"):
        return target  # type: ignore[no-any-return]
    from trainbook.workbook.xlwings_engine import XlwingsEngine

    return XlwingsEngine(target)


__all__ = ["Engine", "FileEngine", "Master", "Table", "Update", "engine_for"]
