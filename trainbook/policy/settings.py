"""The settings sheet as a typed pydantic model; a bad value falls back to its default (and
validation reports it)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import ValidationError

from trainbook import values
from trainbook.i18n import Lang, listing, message
from trainbook.schema.settings import BY_KEY as PARAMETERS
from trainbook.schema.settings import Settings
from trainbook.values import normalize
from trainbook.workbook.master import Master


def read_settings(master: Master) -> Settings:
    """The program's settings; parameters that are absent or invalid take their defaults."""
    return settings_and_ignored(master)[0]


def ignored_note(keys: list[str], lang: Lang) -> str:
    """The note that settings were replaced by their defaults, each by its name on the settings
    sheet and its 参数: 迟到宽限(分钟)（late_grace_minutes）."""
    named = [message("setting-named", lang, label=PARAMETERS[k].label(lang), parameter=k) for k in keys]
    return message("settings-ignored", lang, keys=listing(named, lang))


def settings_and_ignored(master: Master) -> tuple[Settings, list[str]]:
    """The settings, and the keys whose values were invalid (and so replaced by defaults)."""
    frame = master.frame("settings")
    given: dict[str, Any] = {}
    if {"key", "value"} <= set(frame.columns):
        for key, raw in zip(values.text(frame["key"]).map(normalize, na_action="ignore"), frame["value"]):
            param = PARAMETERS.get(key) if isinstance(key, str) else None
            if param is None or raw is None:
                continue
            cell = pd.Series([raw], dtype=object)
            if param.kind == "choice":
                given[key] = values.choice(cell, param.choices).iloc[0]
            elif param.kind in ("integer", "number"):
                given[key] = values.number(cell).iloc[0]
            elif param.kind == "date":
                parsed = values.date(cell).iloc[0]
                given[key] = None if pd.isna(parsed) else parsed.date().isoformat()
            else:
                given[key] = values.text(cell).iloc[0]
    valid, ignored = {}, []
    for key, value in given.items():
        try:
            if value is None or (isinstance(value, float) and pd.isna(value)):
                raise ValueError(key)
            Settings.model_validate({key: value})
        except (ValidationError, ValueError):
            ignored.append(key)
            continue
        valid[key] = value
    return Settings.model_validate(valid), ignored
