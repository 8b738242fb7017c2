"""Folding: the one form in which policy text is compared and searched.

Character by character: full-width → half-width (NFKC), traditional →
simplified (OpenCC t2s), Latin lowercased, so that 數據 matches 数据 and a
folded string has the length of the original (offsets found in the folded
text apply to the original as they are).
"""

import functools
import unicodedata

from opencc import OpenCC

_T2S = OpenCC("t2s")


@functools.lru_cache(maxsize=1 << 16)
def fold_char(char: str) -> str:
    """The searchable form of one character, always exactly one character."""
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) != 1:  # ㈠ → (一): keep the original rather than shift offsets
        folded = char
    simplified = _T2S.convert(folded)
    if len(simplified) == 1:
        folded = simplified
    return folded.lower()


def fold(text: str) -> str:
    return "".join(map(fold_char, text))
