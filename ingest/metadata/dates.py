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
# 本办法, 本通知, 本实施方案: the text speaking of itself.
SELF_REFERENCE = re.compile(
    r"本(?:[\u4e00-\u9fff]{0,4}?)(?:法|条例|规定|办法|细则|决定|意见|通知|方案|解释|规则|措施|指引|计划|公告|通告|标准|政策|指南)"
)
# 有效期至2026年12月31日, 有效期截至…, 有效期到…
EXPIRY = re.compile(rf"有效期(?:截至|截止到|截止|至|到)\s*({DATE.pattern})")
# 有效期5年, 有效期为三年, 有效期暂定2年
VALID_FOR = re.compile(rf"有效期(?:为|暂定为?|暂定)?\s*({NUMBER}{{1,3}})\s*年")
# 自印发之日起施行, 自发布之日起实施: in force from the day it was issued.
FROM_ISSUE = re.compile(r"自(?:印发|发布|公布|颁布|下发)之日起(?:施行|实施|执行|生效)")
# The colophon's last line: 广州市人民政府办公厅秘书处2022年9月13日印发
COLOPHON = re.compile(rf"({DATE.pattern})\s*印发\s*$", re.MULTILINE)
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
    """The date the text says it takes effect: 本办法自2024年1月1日起施行.
    A date given for a document it cites (《…的决定》已由…通过，自2001年12月1日起施行)
    is that document's."""
    for match in EFFECTIVE.finditer(text):
        sentence = text[
            max(text.rfind("。", 0, match.start()), text.rfind("\n", 0, match.start()))
            + 1 : match.start()
        ]
        if "《" in sentence and not SELF_REFERENCE.search(sentence):
            continue
        if date := make_date(*match.groups()[1:4]):
            return date
    return None


def colophon_date(text: str) -> dt.date | None:
    """The date of the colophon's 印发 line: …办公室2023年8月9日印发."""
    match = COLOPHON.search(text)
    return make_date(*match.groups()[1:4]) if match else None


def expiry_after(text: str, start: dt.date | None) -> dt.date | None:
    """The last day of 有效期N年 counted from ``start`` (the effective date,
    or the publish date when the text gives no other)."""
    if start is None:
        return None
    # The text's own term, not a certificate's or an assessment's (评估结果有效期为3年):
    # said of itself (本办法有效期5年) or beside its entry into force (自印发之日起施行，有效期5年).
    match = next(
        (
            m
            for m in VALID_FOR.finditer(text)
            if SELF_REFERENCE.search(sentence := _sentence_around(text, m.start()))
            or re.search(r"起(?:施行|实施|执行|生效)", sentence)
        ),
        None,
    )
    if not match:
        return None
    years = chinese_number(match.group(1))
    if not years:
        return None
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return end - dt.timedelta(days=1)


def _sentence_around(text: str, position: int) -> str:
    start = max(text.rfind("。", 0, position), text.rfind("\n", 0, position)) + 1
    ends = [i for i in (text.find("。", position), text.find("\n", position)) if i != -1]
    return text[start : min(ends) if ends else len(text)]


def expiry_date(text: str) -> dt.date | None:
    match = EXPIRY.search(text)
    return make_date(*match.groups()[1:4]) if match else None
