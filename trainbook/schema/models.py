"""Pydantic row models, one per sheet, derived from the declarations."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from trainbook.schema.columns import Column
from trainbook.schema.sheets import BY_KEY

PY_TYPES: dict[str, Any] = {
    "text": str, "id": str, "mobile": str, "email": str, "url": str, "choice": str,
    "date": dt.date, "time": dt.time, "datetime": dt.datetime,
    "number": float, "integer": int, "percent": float,
}


def _field(col: Column) -> tuple[Any, Any]:
    py_type = PY_TYPES[col.kind]
    limits: dict[str, Any] = {}
    if col.kind in ("number", "integer", "percent"):
        if col.min is not None:
            limits["gt" if col.min_exclusive else "ge"] = col.min
        if col.max is not None:
            limits["le"] = col.max
    if col.required:
        return py_type, Field(..., title=col.zh, description=col.en, **limits)
    return py_type | None, Field(None, title=col.zh, description=col.en, **limits)


@cache
def row_model(sheet_key: str) -> type[BaseModel]:
    """The model of one row of `sheet_key`; choice fields hold the choice key (e.g. 'present')."""
    sheet = BY_KEY[sheet_key]
    fields: dict[str, Any] = {col.key: _field(col) for col in sheet.columns}
    name = "".join(part.title() for part in sheet.key.split("_")) + "Row"
    return create_model(name, __config__=ConfigDict(extra="allow", frozen=True), **fields)
