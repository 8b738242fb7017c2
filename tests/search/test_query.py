from policybase.search.query import Term, parse_query, to_whoosh


def test_words_are_and_groups():
    parsed = parse_query("数据 安全")
    assert parsed.groups == [[Term("数据")], [Term("安全")]]
    assert to_whoosh(parsed) == '(text:"数据") AND (text:"安全")'


def test_or_joins_neighbours():
    parsed = parse_query("数据交易 OR 数据流通 补贴")
    assert parsed.groups == [[Term("数据交易"), Term("数据流通")], [Term("补贴")]]


def test_exclusion_and_phrase():
    parsed = parse_query('"数据 要素" -草案')
    assert parsed.groups == [[Term("数据 要素", phrase=True)]]
    assert parsed.excluded == [Term("草案")]
    assert to_whoosh(parsed) == '(text:"数据 要素") AND NOT text:"草案"'


def test_unclosed_quote_is_a_phrase_to_the_end():
    assert parse_query('"数据 安全').groups == [[Term("数据 安全", phrase=True)]]


def test_doc_number_searches_the_doc_number_field_in_any_bracket_form():
    for query in [
        "国数政策〔2023〕11号",
        "国数政策[2023]11号",
        "国数政策(2023)11号",
        "國數政策（2023）11号",
    ]:
        assert to_whoosh(parse_query(query)).startswith("(doc_number:"), query


def test_title_scope():
    assert to_whoosh(parse_query("办法"), scope="title") == '(title:"办法")'


def test_quotes_and_backslashes_cannot_break_out_of_a_phrase():
    whoosh = to_whoosh(parse_query('a\\"b'))
    assert whoosh.count('"') == 2


def test_empty_and_lonely_operators():
    assert parse_query("").is_empty
    assert parse_query('OR - ""').is_empty
