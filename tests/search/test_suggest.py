"""Query words that name a filter (上海, 条例, 金融支持), offered as that filter."""

import pytest

from policybase.search.query import BODY_NAMES, Filters, parse_query
from policybase.search.suggest import named_filters, vocabulary

WORDS = vocabulary(
    [("province", "吉林省"), ("province", "上海市"), ("city", "吉林市"), ("city", "杭州市")],
    ["工业和信息化部", "上海市经济和信息化委员会"],
    ["条例", "办法"],
    [(7, "金融支持")],
)


def named(query: str, active: Filters | None = None) -> list[tuple[str, str, str, str]]:
    found = named_filters(query, parse_query(query), WORDS, active or Filters())
    return [(offer.word, offer.field, offer.value, offer.query) for offer, _ in found]


def test_regions_by_full_or_short_name_the_province_first():
    assert named("上海 数据交易") == [("上海", "province", "上海市", "数据交易")]
    assert named("杭州市 人工智能") == [("杭州市", "city", "杭州市", "人工智能")]
    assert named("吉林") == [("吉林", "province", "吉林省", "")]
    assert named("吉林市") == [("吉林市", "city", "吉林市", "")]
    assert named("上海") == [("上海", "province", "上海市", "")]


def test_issuers_by_name_or_by_the_short_name_ingestion_expands():
    assert named("工信部 数据安全") == [("工信部", "issuer", "工业和信息化部", "数据安全")]
    # The full name the parser adds beside it is no alternative the analyst typed.
    found = named_filters(
        "工信部 数据", parse_query("工信部 数据", synonyms=BODY_NAMES), WORDS, Filters()
    )
    assert [offer.field for offer, _ in found] == ["issuer"]
    assert named("上海市经济和信息化委员会") == [
        ("上海市经济和信息化委员会", "issuer", "上海市经济和信息化委员会", "")
    ]


def test_the_count_is_asked_of_the_parsed_query_without_the_word():
    [(_, rest)] = named_filters("上海 数据 -草案", parse_query("上海 数据 -草案"), WORDS, Filters())
    assert rest == parse_query("数据 -草案")


def test_types_and_instruments_in_either_script():
    assert named("数据 條例") == [("條例", "doc_type", "条例", "数据")]
    assert named("金融支持 数据资产") == [("金融支持", "category", "7", "数据资产")]


@pytest.mark.parametrize(
    "query",
    [
        "-上海 数据",  # excluded
        '"上海" 数据',  # a phrase is meant as text
        "上海 OR 北京",  # one of alternatives
        "上海浦东",  # part of a longer word
        "数据安全",
    ],
)
def test_words_meant_as_text_name_no_filter(query):
    assert named(query) == []


def test_a_filter_already_set_is_not_offered_again():
    assert named("上海 条例", Filters(province="北京市")) == [("条例", "doc_type", "条例", "上海")]
