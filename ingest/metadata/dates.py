"""Dates in policy text: publish, effective and expiry.

Digits may be ASCII, full-width or Chinese numerals (二〇二三年十二月三十一日);
a draft's placeholder date (×年×月×日, 年月日) is no date at all.
"""

import datetime as dt
import re

CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
NUMBER = r"[\d〇零○Ｏ一二三四五六七八九十]"
# 2023年12月31日, 二〇二三年十二月三十一日, 2023 年 8 月 25 日
DATE = re.compile(rf"({NUMBER}{{4}})\s*年\s*({NUMBER}{{1,3}})\s*月\s*({NUMBER}{{1,4}})\s*日")
# 2023-12-31, 2023.12.31, 2023/12/31
ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
# 自2023年8月25日起施行, 自印发之日起施行 (no date), 本办法自二〇二四年一月一日起实施
EFFECTIVE = re.compile(rf"自\s*({DATE.pattern})\s*起\s*(?:施行|实施|执行|生效)")
# 有效期至2026年12月31日, 有效期截至…, 有效期到…
EXPIRY = re.compile(rf"有效期(?:截至|截止到|截止|至|到)\s*({DATE.pattern})")
# A line that is only a date: the signature date of a notice.
# 2023年12月31日, （2023年12月31日）, 发布日期：2023年12月31日
DATE_LINE = re.compile(
    rf"^\s*(?:(?:发布|印发|成文|發布)日期\s*[:：]\s*)?(?:[（(]\s*)?(?:{DATE.pattern})(?:\s*[）)])?\s*$"
)


def chinese_number(text: str) -> int | None:
    """2023, ２０２３, 二〇二三, 十二, 三十一 → int."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        value = (CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10
        return value + (CHINESE_DIGITS.get(ones, 0) if ones else 0)
    digits = [CHINESE_DIGITS.get(char) for char in text]
    if None in digits:
        return None
    return int("".join(map(str, digits)))


def make_date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(chinese_number(year), chinese_number(month), chinese_number(day))
    except (TypeError, ValueError):
        return None


def parse_date(text: str) -> dt.date | None:
    """The first well-formed date in ``text``."""
    for match in DATE.finditer(text):
        if date := make_date(*match.groups()):
            return date
    for match in ISO_DATE.finditer(text):
        if date := make_date(*match.groups()):
            return date
    return None


def effective_date(text: str) -> dt.date | None:
    match = EFFECTIVE.search(text)
    return make_date(*match.groups()[1:4]) if match else None


def expiry_date(text: str) -> dt.date | None:
    match = EXPIRY.search(text)
    return make_date(*match.groups()[1:4]) if match else None
