from policybase.search.analyzer import ChineseTokenizer, fold, index_tokens


def test_fold_maps_traditional_and_full_width_one_to_one():
    text = "國數政策〔２０２３〕11号 ＡＩ數據"
    folded = fold(text)
    assert folded == "国数政策〔2023〕11号 ai数据"
    assert len(folded) == len(text)


def test_fold_keeps_characters_that_would_expand():
    # NFKC turns ㈠ into "(一)"; folding keeps it so offsets stay aligned.
    assert fold("㈠") == "㈠"


def test_index_tokens_have_characters_and_jieba_words():
    tokens = index_tokens("保障數據安全")
    texts = [t[0] for t in tokens]
    assert [t for t in texts if len(t) == 1] == list("保障数据安全")
    assert {"保障", "数据", "安全", "数据安全"} <= set(texts)
    positions = {t[0]: t[1] for t in tokens}
    # A word sits at the position of its first character.
    assert positions["数据"] == positions["数"] == 2


def test_query_mode_yields_consecutive_positions():
    tokenizer = ChineseTokenizer()
    tokens = [(t.text, t.pos) for t in tokenizer("人脸 识别AI", positions=True, mode="query")]
    assert tokens == [("人", 0), ("脸", 1), ("识", 2), ("别", 3), ("ai", 4)]


def test_chars_point_into_the_original_text():
    tokenizer = ChineseTokenizer()
    value = "推廣雲計算"
    for token in tokenizer(value, chars=True, positions=True):
        assert fold(value[token.startchar : token.endchar]) == token.text
