"""Excel's column letters (A, Z, AA…) and their 0-based positions, for cell references."""

from __future__ import annotations


def column_index(letters: bytes | str) -> int:
    """Excel letters → 0-based column index (A → 0, AA → 26)."""
    index = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        index = index * 26 + ord(ch.upper()) - 64
    return index - 1


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
