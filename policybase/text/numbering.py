"""How Chinese policy text numbers its parts: 第一章 › 第一节 › 第一条 (legal
articles) and 一、 › （一） › 1. › （1） (an outline), in nesting order."""

import re

CN_NUMBER = "一二三四五六七八九十百零〇两"
# (level, pattern) in nesting order.
MARKERS = [
    ("chapter", re.compile(rf"^第[{CN_NUMBER}\d]+章")),
    ("section", re.compile(rf"^第[{CN_NUMBER}\d]+节")),
    ("article", re.compile(rf"^第[{CN_NUMBER}\d]+条")),
    ("outline", re.compile(rf"^[{CN_NUMBER}]+[、.．]")),
    ("paren", re.compile(rf"^[（(][{CN_NUMBER}]+[）)]")),
    ("arabic", re.compile(r"^\d{1,2}[.．、](?!\d)")),
    ("paren_arabic", re.compile(r"^[（(]\d{1,2}[）)]")),
]
LEVELS = [level for level, _ in MARKERS]


def marker_of(line: str) -> tuple[str, str] | None:
    for level, pattern in MARKERS:
        if match := pattern.match(line):
            return level, match.group()
    return None
