"""What kind of text a title names (办法, 条例, 意见, 法…) and the status
flags it carries (试行, 暂行, 征求意见稿, 草案, 送审稿)."""

import re

from .fold import fold

# Document types, longest first so that 实施意见 is read as 意见 only after 实施细则 etc. are tried.
DOC_TYPES = (
    "条例",
    "办法",
    "规定",
    "细则",
    "意见",
    "方案",
    "计划",
    "通知",
    "指引",
    "措施",
    "规划",
    "决定",
    "纲要",
    "要点",
    "清单",
    "指南",
    "规则",
    "标准",
    "规范",
    "公告",
    "通告",
    "批复",
    "宣言",
    "解读",
    "守则",
    "制度",
    "目录",
    "解释",
    "修正案",
    "法",
)
# 方法, 办法 (already a type of its own), 执法, 司法, 立法: words that end in 法 and name no law.
NOT_A_LAW = tuple("方办做说手写用算执司立守合非违依")
STATUS_WORDS = ("征求意见稿", "草案", "试行", "暂行", "送审稿")
# Trailing status brackets: （试行）（征求意见稿）
TRAILING_BRACKETS = re.compile(r"(?:\s*[（(][^（）()]{1,12}[）)])+\s*$")


def doc_type_of(title: str) -> str | None:
    core = TRAILING_BRACKETS.sub("", fold(title))
    best, best_end = None, -1
    for doc_type in DOC_TYPES:
        end = core.rfind(doc_type)
        if doc_type == "法" and end > 0 and core[end - 1] in NOT_A_LAW:
            continue
        if end != -1 and end + len(doc_type) > best_end:
            best, best_end = doc_type, end + len(doc_type)
    return best


def status_of(title: str) -> list[str]:
    """The status flags a title carries: in its trailing brackets （试行）（征求意见稿）,
    or right before its type (暂行办法, 条例草案). A flag inside the name of
    another text (…暂行规定实施办法) is that text's."""
    folded = fold(title).strip()
    brackets = TRAILING_BRACKETS.search(folded)
    core = folded[: brackets.start()] if brackets else folded
    flags = [(0, word) for word in STATUS_WORDS if core.endswith(word)]
    doc_type = doc_type_of(core)
    if doc_type and core.endswith(doc_type):
        # 暂行管理办法: a flag before the type, with no other type in between
        # (…暂行规定实施办法 is the 实施办法 of a 暂行规定).
        before = core[: -len(doc_type)]
        for word in STATUS_WORDS:
            position = before.rfind(word)
            between = before[position + len(word) :] if position != -1 else ""
            if position != -1 and len(between) <= 6 and not any(t in between for t in DOC_TYPES):
                flags.append((0, word))
    if brackets:
        flags += [
            (1 + brackets.group().find(word), word)
            for word in STATUS_WORDS
            if word in brackets.group()
        ]
    return list(dict.fromkeys(word for _, word in sorted(flags)))
