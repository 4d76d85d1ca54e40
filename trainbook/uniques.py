"""Distinct values of a column: the trick that lets Python-level work run once per value, not per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd


def distinct(values: object) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct) with `distinct[codes]` equal to `values`; blanks map to a trailing None."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = uniques
    return np.where(codes < 0, len(uniques), codes), table
