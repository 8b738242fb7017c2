from policybase.search.highlight import highlight, match_spans


def test_marks_traditional_text_for_a_simplified_query():
    assert highlight("保障數據安全", ["数据"]) == "保障<mark>數據</mark>安全"


def test_escapes_everything_outside_and_inside_marks():
    html = highlight("<script>数据</script>", ["数据"])
    assert html == "&lt;script&gt;<mark>数据</mark>&lt;/script&gt;"


def test_overlapping_matches_merge():
    assert match_spans("数据安全", ["数据", "据安"]) == [(0, 3)]


def test_no_needles_leaves_escaped_text():
    assert highlight("a<b", []) == "a&lt;b"
