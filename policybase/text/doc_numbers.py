"""Document numbers (文号): 国数政策〔2023〕11号 and its bracket variants."""

import re

# 国数政策〔2023〕11号, 京政办发[2024]3号, 沪府规(2023)5号, 國數政策［2023］11號, 浙政发〔2023〕 第5号
DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,12}?)\s*[〔\[［(（【]\s*((?:19|20)\d{2})\s*[〕\]］)）】]\s*第?\s*(\d{1,4})\s*[号號]"
)


def normalize_doc_number(text: str) -> str:
    """One form for every variant: 京政办发[2024]3号 → 京政办发〔2024〕3号."""
    match = DOC_NUMBER.search(text)
    if not match:
        return text.strip()
    prefix, year, number = match.groups()
    return f"{prefix}〔{year}〕{number}号"


def is_doc_number_line(line: str) -> bool:
    """A line that is a 文号 and little else, as printed under a title."""
    match = DOC_NUMBER.search(line)
    return bool(match) and len(line.strip()) - len(match.group()) <= 4


def find_doc_number(lines: list[str]) -> str | None:
    """The document's own 文号: one standing on its own line.

    A 文号 inside a sentence belongs to a document the text cites
    (《国务院关于…的意见》（国发〔2022〕2号）), not to this one.
    """
    for line in lines:
        if is_doc_number_line(line):
            return normalize_doc_number(DOC_NUMBER.search(line).group())
    return None
