"""File names as text."""

from pathlib import Path


def readable(path: Path | str) -> str:
    """``path`` as text a database or JSON can hold: bytes of a file name that
    are not UTF-8 (kept by Python as surrogate escapes) become U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
