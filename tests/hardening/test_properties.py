"""Properties of the pure ingestion functions on text nobody wrote by hand.

- Parsers, cleaners and detectors never raise on any text: arbitrary
  Unicode (surrogates excluded, as no decoded file holds one), and text
  built from the pieces policies are made of (numbering, dates, 文号,
  contents entries, source lines) in any order.
- Cleaning is idempotent.
- Cleaning removes only what it means to remove: every ideograph of the
  input is in the output, in order, except the 第 and 页 of a line that is
  only a page number (the one artifact of ideographs the cleaner knows);
  around the ideographs of a text, pinyin, scraper chunk markers, page
  numbers and spaces inside words all go and no ideograph with them.
"""

import os
import re
from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest.clauses import split_clauses
from ingest.clean import STEPS, clean, map_radicals
from ingest.drafts import RawText, UnreadableSource
from ingest.metadata import (
    doc_type_of,
    extract_metadata,
    issuers_from_title,
    published_title,
    signature,
    status_of,
)
from ingest.metadata.dates import effective_date, expiry_date, parse_date
from ingest.metadata.regions import detect_region
from ingest.parse import parse_raw
from ingest.readers.html import html_to_text
from ingest.readers.text import decode
from ingest.split import split_documents
from policybase.text.doc_numbers import find_doc_number, normalize_doc_number

# Bounded so the suite stays fast; no deadline, as the first call of a
# function may build its caches (region names, OpenCC tables).
BOUNDED = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 200)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=400)
# Characters policies are written in, and the ones converters leave behind.
POLICY_CHARS = (
    "数据安全条例办法意见通知第一二三四五六七八九十百零〇条章节款项年月日号市省区县"
    "國數據條例辦法們關於號"  # traditional
    "，。、；：！？“”‘’《》（）〔〕【】［］〈〉…—·"
    "()[]<>-.,;:/!?'\"#*>•"
    "0123456789０１２３４５６７８９ＡＢａｂ"
    "abczhōngdàǚ"
    " \t\u3000\u00a0\n\n\r\f\v\x00\x07\x1b\x7f\x85\u2028\u2029\ufeff\u200b"
    "⺠⻓⼈⼤\uf900\U00020000"
)
PIECES = [
    "第一条",
    "第十二条（争议解决）",
    "第一章 总则",
    "第二节",
    "一、",
    "（一）",
    "(三)",
    "1.",
    "2、",
    "（1）",
    "- 3 -",
    "第 4 页",
    "目录",
    "(2023-12-31)",
    "（2024-01-22）9726.",
    "（来源：杭州市人民政府办公厅）",
    "关于印发《",
    "》的通知",
    "国数政策〔2023〕11号",
    "京政办发[2024]3号",
    "2023年12月31日",
    "二〇二三年十二月三十一日",
    "2023-13-45",
    "自2024年1月1日起施行",
    "有效期至2026年12月31日",
    "各省、自治区、直辖市人民政府：",
    "杭州市人民政府办公厅",
    "浙江省杭州市西湖区",
    "朝阳区",
    "本办法由国家数据局负责解释",
    "（试行）",
    "（征求意见稿）",
    "中(zhōng)",
    "# ",
    "> ",
    "* ",
    "\n",
    "\n\n",
    "。",
    "，",
    " ",
]
policy_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(st.sampled_from(POLICY_CHARS), max_size=30)),
    max_size=40,
).map("".join)
texts = st.one_of(any_text, policy_text)

CLEANERS = [clean, *STEPS]


@BOUNDED
@given(texts)
def test_cleaners_never_raise(text):
    for cleaner in CLEANERS:
        assert isinstance(cleaner(text), str)


@BOUNDED
@given(texts)
def test_the_pipeline_never_raises_on_text(text):
    for draft in parse_raw(RawText("any.txt", text, "text")):
        assert draft.title.strip()
        for clause in draft.clauses:
            assert clause.text.strip()


@BOUNDED
@given(texts)
def test_splitter_clause_parser_and_metadata_never_raise(text):
    for draft in split_documents(text, "any.txt"):
        extract_metadata(draft, text[:50])
        split_clauses(draft)
    lines = text.split("\n")
    parse_date(text), effective_date(text), expiry_date(text)
    find_doc_number(lines), normalize_doc_number(text)
    detect_region(text, text[::-1])
    doc_type_of(text), status_of(text), published_title(text), issuers_from_title(text)
    signature(lines)


@BOUNDED
@given(texts)
def test_readers_never_raise_on_content(text):
    html_to_text(text)
    html_to_text(f"<html><body><script>{text}</script><p>{text}</p></body></html>")
    # What was saved as UTF-8 or UTF-16 reads back as it was; a BOM opening
    # UTF-8 bytes is read as the encoding's mark.
    assert decode(text.encode("utf-8"))[0] == text.removeprefix("\ufeff")
    assert decode(text.encode("utf-16"))[0] == text


@BOUNDED
@given(st.binary(max_size=2000))
def test_decoding_bytes_gives_text_or_says_why(data):
    try:
        text, encoding, broken = decode(data)
    except UnreadableSource as error:
        assert str(error)
    else:
        assert isinstance(text, str) and encoding
        assert 0 <= broken <= text.count("\ufffd")


@BOUNDED
@given(texts)
@example("# >")  # a quote marker behind a heading marker
@example("- # 一、总则")
@example("\x85>")  # a marker behind a space that only stripping the line removes
@example("\xa0- （一）加强数据安全")
def test_cleaning_is_idempotent(text):
    once = clean(text)
    assert clean(once) == once


@BOUNDED
@given(texts)
def test_cleaning_keeps_every_ideograph_but_those_of_page_numbers(text):
    # Radicals become the ideographs they stand for (⺠ → 民) before anything is removed.
    before = IDEOGRAPH.findall(map_radicals(text))
    after = IDEOGRAPH.findall(clean(text))
    assert is_subsequence(after, before)
    # A page number line ("第 3 页") takes one 第 and one 页 with it, nothing else.
    lost = Counter(before) - Counter(after)
    assert set(lost) <= {"第", "页"} and lost["第"] == lost["页"]


# What PostgreSQL text cannot hold (NUL) and what no clause should (other controls).
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


@BOUNDED
@given(texts)
@example("第一条 数据\x00安全。\x0c第二条")
def test_cleaned_text_holds_no_control_character(text):
    assert not CONTROL_CHARS.search(clean(text))


def is_subsequence(short: list, long: list) -> bool:
    remaining = iter(long)
    return all(item in remaining for item in short)


# Ideographs and the punctuation between them, without digits or Latin.
content = st.text(
    st.sampled_from("数据安全条例办法意见规范管理公共服务平台國數據條例辦法，。、；：“”《》（）"),
    min_size=1,
    max_size=25,
)
pinyin = st.sampled_from(["(zhōng)", "(dà)", "（shù）", "(jù)(jù)"])


@st.composite
def text_with_artifacts(draw):
    """Ideographic text, and the same text with the artifacts the cleaner removes."""
    pieces = draw(st.lists(content, min_size=1, max_size=30))
    dirty, clean_text = [], []
    marker = 1
    for piece in pieces:
        clean_text.append(piece)
        kind = draw(st.sampled_from(["none", "pinyin", "marker", "page_line", "space", "break"]))
        if kind == "pinyin" and IDEOGRAPH.match(piece[-1]):
            piece += draw(pinyin)
        elif kind == "marker":
            # A scraper's chunk marker, somewhere inside the piece.
            at = draw(st.integers(0, len(piece)))
            piece = f"{piece[:at]}{marker}、{piece[at:]}"
            marker += 1
        elif kind == "page_line":
            piece += draw(st.sampled_from(["\n- 12 -\n", "\n第 3 页\n", "\n7\n"]))
        elif kind == "space" and len(piece) > 1:
            piece = piece[0] + " " + piece[1:]
        elif kind == "break":
            piece += "\n"
        dirty.append(piece)
    return "".join(dirty), "".join(clean_text), marker - 1


@BOUNDED
@given(text_with_artifacts())
def test_artifacts_go_and_every_ideograph_of_the_text_stays(case):
    dirty, original, markers = case
    cleaned = clean(dirty)
    assert IDEOGRAPH.findall(cleaned) == IDEOGRAPH.findall(original)
    assert not re.search("[a-zāáǎàōóǒòūúǔù]", cleaned)  # no pinyin left
    # Page numbers always go; chunk markers once their run is long enough to
    # be told from a list, and before that only they may keep a digit.
    left = cleaned if markers >= 5 else re.sub(r"\d+、", "", cleaned)
    assert not re.search(r"\d", left)


@BOUNDED
@given(texts)
@example("第一条 为了规范数据处理活动。\n第二条 本条例适用于本市。")
@example("第0条\n000。；0")  # the second of two stops was dropped
def test_every_clause_comes_from_the_body(text):
    for draft in split_documents(clean(text), "any.txt"):
        extract_metadata(draft)
        body = re.sub(r"\s", "", draft.body)
        for clause in split_clauses(draft):
            assert re.sub(r"\s", "", clause.text) in body
