from policybase.search.query import (
    BODY_NAMES,
    Term,
    name_synonyms,
    parse_query,
    text_filter,
)


def lookups(query, scope="text", **options) -> str:
    """The haystack filter ``query`` becomes, as haystack writes it."""
    return repr(text_filter(parse_query(query, **options), scope))


def test_words_are_and_groups():
    parsed = parse_query("数据 安全")
    assert parsed.groups == [[Term("数据")], [Term("安全")]]
    assert lookups("数据 安全") == "<SQ: AND (text__exact=数据 AND text__exact=安全)>"


def test_or_joins_neighbours():
    parsed = parse_query("数据交易 OR 数据流通 补贴")
    assert parsed.groups == [[Term("数据交易"), Term("数据流通")], [Term("补贴")]]
    assert lookups("数据交易 OR 数据流通 补贴") == (
        "<SQ: AND ((text__exact=数据交易 OR text__exact=数据流通) AND text__exact=补贴)>"
    )


def test_exclusion_and_phrase():
    parsed = parse_query('"数据 要素" -草案')
    assert parsed.groups == [[Term("数据 要素", phrase=True)]]
    assert parsed.excluded == [Term("草案")]
    assert lookups('"数据 要素" -草案') == (
        "<SQ: AND (text__exact=数据 要素 AND NOT (text__exact=草案))>"
    )
    assert lookups("-草案") == "<SQ: AND NOT (text__exact=草案)>"


def test_unclosed_quote_is_a_phrase_to_the_end():
    assert parse_query('"数据 安全').groups == [[Term("数据 安全", phrase=True)]]


def test_doc_number_searches_the_doc_number_field_in_any_bracket_form():
    for query in [
        "国数政策〔2023〕11号",
        "国数政策[2023]11号",
        "国数政策(2023)11号",
        "國數政策（2023）11号",
    ]:
        assert lookups(query) == f"<SQ: AND doc_number__exact={query}>", query


def test_title_scope():
    assert lookups("办法", scope="title") == "<SQ: AND title__exact=办法>"


def test_a_term_with_nothing_to_match_is_set_aside():
    # Neither a CJK character nor a Latin letter or digit: no unit to search by.
    assert parse_query("αβ 数据").groups == [[Term("数据")]]


def test_empty_and_lonely_operators():
    assert parse_query("").is_empty
    assert parse_query('OR - ""').is_empty


def test_and_is_the_default_and_not_excludes_the_next_word():
    parsed = parse_query("数据 AND 交易 NOT 草案")
    assert parsed.groups == [[Term("数据")], [Term("交易")]]
    assert parsed.excluded == [Term("草案")]
    assert not parsed.notes


def test_what_the_parser_sets_aside_is_noted():
    assert len(parse_query("OR 数据").notes) == 1
    assert len(parse_query("数据 OR").notes) == 1
    assert "〔〕" in parse_query("数据 〔〕").notes[0]
    assert "引号" in parse_query('"数据 安全').notes[0]
    assert parse_query("-草案").notes == ["只有排除词：显示不含这些词的全部条款。"]
    assert not parse_query('数据 "个人 信息" -草案').notes


ALIASES = {"数据二十条": "关于构建数据基础制度更好发挥数据要素作用的意见"}
TWENTY = Term(
    "关于构建数据基础制度更好发挥数据要素作用的意见", phrase=True, in_titles=True, added=True
)


def test_a_policy_s_short_name_also_searches_its_title_in_text_and_titles():
    parsed = parse_query("數據二十條 安全", ALIASES)  # traditional, folded to the name
    assert parsed.groups == [[Term("數據二十條"), TWENTY], [Term("安全")]]
    title = "关于构建数据基础制度更好发挥数据要素作用的意见"
    assert lookups("數據二十條 安全", aliases=ALIASES) == (
        f"<SQ: AND ((text__exact=數據二十條 OR text__exact={title} OR title__exact={title})"
        " AND text__exact=安全)>"
    )
    assert lookups("数据二十条", "title", aliases=ALIASES) == (
        f"<SQ: OR (title__exact=数据二十条 OR title__exact={title})>"
    )
    assert parsed.notes == [
        "“數據二十條”即《关于构建数据基础制度更好发挥数据要素作用的意见》：已一并检索提到它的条款和这份文件。"
    ]


def test_an_excluded_short_name_excludes_its_title_and_a_longer_word_is_no_name():
    parsed = parse_query("数据 -数据二十条", ALIASES)
    assert parsed.excluded == [Term("数据二十条"), TWENTY]
    assert "已一并排除" in parsed.notes[0]
    assert parse_query("数据二十条的", ALIASES).groups == [[Term("数据二十条的")]]
    assert parse_query("数据二十条").groups == [[Term("数据二十条")]]  # no names known


def test_a_body_s_names_are_one_another_s_synonyms():
    names = name_synonyms(
        {
            "工信部": "工业和信息化部",
            "国家发改委": "国家发展和改革委员会",
            "国家发展改革委": "国家发展和改革委员会",
        }
    )
    assert names["工信部"] == ("工业和信息化部",)
    assert names["工业和信息化部"] == ("工信部",)
    assert names["国家发展改革委"] == ("国家发展和改革委员会", "国家发改委")


def test_a_short_name_of_a_body_also_searches_its_full_name_and_back():
    parsed = parse_query("工信部 数据", synonyms=BODY_NAMES)
    assert parsed.groups[0] == [Term("工信部"), Term("工业和信息化部", phrase=True, added=True)]
    assert lookups("工信部 数据", synonyms=BODY_NAMES) == (
        "<SQ: AND ((text__exact=工信部 OR text__exact=工业和信息化部) AND text__exact=数据)>"
    )
    assert parsed.notes == ["“工信部”也写作“工业和信息化部”：已一并检索。"]
    assert Term("网信办") not in parse_query("国家互联网信息办公室", synonyms=BODY_NAMES).groups[0]
    assert (
        Term("国家网信办", phrase=True, added=True)
        in (parse_query("国家互联网信息办公室", synonyms=BODY_NAMES).groups[0])
    )
