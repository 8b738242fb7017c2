"""Mark query matches in clause text, safely.

Matching happens on the folded text (traditional → simplified, full-width →
half-width), whose characters line up one to one with the original, so a
simplified query marks the traditional characters it matched.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from policybase.text.fold import fold


def match_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans where any needle occurs in ``text``."""
    folded = fold(text)
    spans = []
    for needle in {fold(n) for n in needles if n.strip()}:
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, needles: list[str]) -> SafeString:
    """``text`` HTML-escaped, with every match wrapped in ``<mark>``."""
    parts, position = [], 0
    for start, end in match_spans(text, needles):
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # every piece of text above is escaped
