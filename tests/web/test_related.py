"""The text side of a document's relations: citations, titles, keywords (no database)."""

from policybase.web.related import (
    PART_WEIGHT,
    cited_numbers,
    cosine,
    extract_citations,
    is_place_word,
    names_number,
    normalize_title,
    region_words,
    same_policy,
    title_keywords,
    title_weights,
)


def test_citations_come_in_order_with_the_text_they_are_in():
    texts = [
        "关于印发《济南市公共数据授权运营办法》的通知",
        "根据《中华人民共和国数据安全法》《中华人民共和国个人信息保护法》，制定本办法。",
        "无引用。",
    ]
    assert extract_citations(texts) == [
        ("济南市公共数据授权运营办法", 0),
        ("中华人民共和国数据安全法", 1),
        ("中华人民共和国个人信息保护法", 1),
    ]


def test_a_title_quoted_inside_a_citation_is_cited_too():
    cited = extract_citations(["《关于印发〈数据出境安全评估办法〉的通知》"])
    assert [title for title, _ in cited] == [
        "关于印发〈数据出境安全评估办法〉的通知",
        "数据出境安全评估办法",
    ]


def test_a_short_name_the_text_gives_itself_is_no_citation():
    texts = [
        "印发《“数据要素×”三年行动计划（2024—2026年）》（以下简称《行动计划》）。",
        "《行动计划》强调坚持需求牵引。",
    ]
    assert [title for title, _ in extract_citations(texts)] == [
        "“数据要素×”三年行动计划（2024—2026年）"
    ]


def test_runs_of_spaces_inside_a_citation_are_tidied():
    assert extract_citations(
        ["《中共中央  国务院关于构建数据基础制度更好发挥数据要素作用的意见》"]
    ) == [("中共中央 国务院关于构建数据基础制度更好发挥数据要素作用的意见", 0)]


def test_titles_of_one_policy_normalise_alike_across_script_width_quotes_and_dashes():
    simplified = "“数据要素×”三年行动计划（2024—2026年）"
    traditional = "「數據要素×」三年行動計劃(2024-2026年)"
    compiled = "“数据要素”三年行动计划(20242026年)"  # the compilation lost the dash and the ×
    assert normalize_title(simplified) == normalize_title(traditional) == normalize_title(compiled)
    assert normalize_title(simplified) == "数据要素三年行动计划20242026年"


def test_a_trailing_status_is_ignored_but_not_a_different_title():
    assert normalize_title("湖北省数据条例(草案)(征求意见稿)") == normalize_title("湖北省数据条例")
    assert normalize_title("安徽省数据知识产权登记办法（试行）") == "安徽省数据知识产权登记办法"
    assert normalize_title("湖南省数据条例") != normalize_title("湖北省数据条例")
    # A status in the middle is part of the title.
    assert normalize_title("海南省数据产品超市数据产品确权登记实施细则(暂行)").endswith("实施细则")


def test_an_issuer_may_be_left_out_but_not_replaced():
    national = "关于加强数据资产管理的指导意见"
    assert same_policy("财政部关于加强数据资产管理的指导意见", national)
    assert same_policy(national, "财政部关于加强数据资产管理的指导意见")
    assert not same_policy(
        "财政部关于加强数据资产管理的指导意见", "某省关于加强数据资产管理的指导意见"
    )
    assert same_policy(
        "中共中央 國務院關于構建數據基礎制度更好發揮數據要素作用的意見",
        "中共中央国务院关于构建数据基础制度更好发挥数据要素作用的意见",
    )
    assert not same_policy("自然资源领域数据安全管理办法", "会计师事务所数据安全管理暂行办法")


def flat(groups):
    return [word for group in groups for word in group]


def test_title_keywords_keep_the_topic_and_drop_kind_status_and_years():
    words = flat(title_keywords("安徽省公共数据授权运营管理办法(试行)(征求意见稿)"))
    assert {"公共数据", "授权", "运营"} <= set(words)
    assert not {"办法", "管理办法", "试行", "征求意见稿", "征求意见"} & set(words)
    assert not any(
        c.isdigit() for w in flat(title_keywords("数字商务三年行动计划(2024-2026年)")) for c in w
    )


def test_long_keywords_bring_their_parts_so_split_titles_still_meet():
    groups = title_keywords("工业领域数据安全能力提升实施方案")
    data_security = next(group for group in groups if group[0] == "数据安全")
    assert {"数据", "安全"} <= set(data_security)
    # Traditional titles give the same words as simplified ones.
    assert title_keywords("數據安全管理辦法") == title_keywords("数据安全管理办法")


def test_place_words_include_short_forms_and_words_that_start_with_one():
    places = region_words(["浙江省", "浦东新区", "广西壮族自治区", "北京市", "全国"])
    assert {"浙江", "浦东", "广西", "北京"} <= places
    assert is_place_word("河北省人民政府", region_words(["河北省"]))
    assert is_place_word("浙江", places)
    assert not is_place_word("公共数据", places)


def test_cosine():
    assert cosine({"a": 1.0}, {"a": 2.0}) == 1.0
    assert cosine({"a": 1.0}, {"b": 1.0}) == 0.0
    assert cosine({}, {"a": 1.0}) == 0.0


def test_a_cited_document_number_names_the_document_with_that_number():
    cited = cited_numbers("根据國發[2022]2號和京政办发（2024）13号文件")
    assert cited == [("根据国发", "2022", "2"), ("和京政办发", "2024", "13")]
    assert names_number(cited[0], "国发〔2022〕2号")
    assert names_number(cited[1], "京政办发〔2024〕13号")
    # Another issuer, year or serial is another document; so is a prefix too
    # short to tell issuers apart.
    assert not names_number(cited[0], "国办发〔2022〕2号")
    assert not names_number(cited[0], "国发〔2022〕12号")
    assert not names_number(cited[0], "国发〔2021〕2号")
    assert not names_number(("根据发", "2022", "2"), "发〔2022〕2号")
    assert cited_numbers("无文号。") == []


def test_a_part_of_a_longer_word_weighs_less_than_a_word_of_its_own():
    weights = title_weights("自然资源领域数据安全管理办法", frozenset())
    assert weights["数据安全"] == weights["自然资源"] == 1
    # 资源 of 自然资源 is not the 资源 of 数据资源: a part says less.
    assert weights["资源"] == weights["安全"] == PART_WEIGHT < 1
    # Where and how a text regulates, not what: 领域, 管理.
    assert "领域" not in weights and "管理" not in weights
    anhui = title_weights("安徽省数据资源登记管理办法(试行)(征求意见稿)", region_words(["安徽省"]))
    assert set(anhui) == {"数据", "资源", "登记"}
