"""Query words that name a filter (上海, 条例, 金融支持), offered as that filter."""

import pytest

from policybase.catalog.models import Issuer, Region
from policybase.search.query import BODY_NAMES, Filters, parse_query
from policybase.search.suggest import find_filter, named_filters
from policybase.text.fold import fold

WORDS = {
    "上海": ("province", "上海市", ""),
    "杭州市": ("city", "杭州市", ""),
    "工信部": ("issuer", "工业和信息化部", ""),
    "条例": ("doc_type", "条例", ""),
    "金融支持": ("category", "7", ""),
}


def find(word: str):
    return WORDS.get(fold(word))


def named(query: str, active: Filters | None = None) -> list[tuple[str, str, str, str]]:
    found = named_filters(query, parse_query(query), find, active or Filters())
    return [(offer.word, offer.field, offer.value, offer.query) for offer, _ in found]


@pytest.fixture
def regions(db):
    """Two 吉林 (a province and its city), 上海市, 杭州市 under 浙江省."""
    jilin = Region.objects.create(name="吉林省", level="province")
    Region.objects.create(name="吉林市", level="city", parent=jilin)
    Region.objects.get_or_create(name="上海市", level="province")
    zhejiang, _ = Region.objects.get_or_create(name="浙江省", level="province")
    Region.objects.create(name="杭州市", level="city", parent=zhejiang)


def test_regions_by_full_or_short_name_the_province_first(regions):
    assert find_filter("上海")[:2] == ("province", "上海市")
    assert find_filter("杭州")[:2] == ("city", "杭州市")
    assert find_filter("吉林") == ("province", "吉林省", "吉林省的政策")
    assert find_filter("吉林市")[:2] == ("city", "吉林市")
    assert find_filter("苏州") is None  # a place with no document in the base


def test_issuers_types_and_instruments_in_any_of_their_names(db):
    Issuer.objects.create(name="工业和信息化部")
    assert find_filter("工信部") == ("issuer", "工业和信息化部", "工业和信息化部发布的政策")
    assert find_filter("工业和信息化部")[:2] == ("issuer", "工业和信息化部")
    assert find_filter("條例") == ("doc_type", "条例", "文种为“条例”的政策")
    assert find_filter("金融支持")[:2] == ("category", "7")
    assert find_filter("数据安全") is None


def test_words_are_offered_with_the_query_without_them():
    assert named("上海 数据交易") == [("上海", "province", "上海市", "数据交易")]
    assert named("杭州市 人工智能") == [("杭州市", "city", "杭州市", "人工智能")]
    assert named("上海") == [("上海", "province", "上海市", "")]


def test_the_count_is_asked_of_the_parsed_query_without_the_word():
    [(_, rest)] = named_filters("上海 数据 -草案", parse_query("上海 数据 -草案"), find, Filters())
    assert rest == parse_query("数据 -草案")


def test_a_name_the_parser_adds_beside_a_word_is_no_alternative_the_analyst_typed():
    parsed = parse_query("工信部 数据", synonyms=BODY_NAMES)
    assert len(parsed.groups[0]) == 2  # 工信部 and 工业和信息化部
    [(offer, _)] = named_filters("工信部 数据", parsed, find, Filters())
    assert (offer.field, offer.query) == ("issuer", "数据")


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
