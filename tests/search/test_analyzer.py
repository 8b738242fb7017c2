import subprocess
import sys

from policybase.search.analyzer import analyzed, key_words, units, words
from policybase.text.fold import fold


def test_fold_maps_traditional_and_full_width_one_to_one():
    text = "國數政策〔２０２３〕11号 ＡＩ數據"
    folded = fold(text)
    assert folded == "国数政策〔2023〕11号 ai数据"
    assert len(folded) == len(text)


def test_fold_keeps_characters_that_would_expand():
    # NFKC turns ㈠ into "(一)"; folding keeps it so offsets stay aligned.
    assert fold("㈠") == "㈠"


def test_units_are_characters_and_latin_words_without_punctuation():
    assert units("人脸 識別AI，5G網絡") == ["人", "脸", "识", "别", "ai", "5g", "网", "络"]
    assert units("〔〕“”-") == []


def test_words_are_the_bigrams_of_each_run_and_latin_words():
    assert words(fold("保障數據安全，推广5G")) == [
        "保障",
        "障数",
        "数据",
        "据安",
        "安全",
        "推广",
        "5g",
    ]
    # A lone character is no word: its unit ranks it.
    assert words("税") == []


def test_analyzed_gives_the_folded_text_and_its_words():
    assert analyzed("數據安全") == ("数据安全", "数据 据安 安全")


def test_key_words_are_jiebas_words_of_the_folded_text():
    found = key_words("落實數據安全法規制度")
    assert {"落实", "数据", "安全", "数据安全"} <= set(found)
    assert all(len(word) > 1 for word in found)


def test_importing_the_analyzer_loads_no_segmenter():
    # Folding is used everywhere (ingestion, the web pages); jieba's dictionary
    # is for the similar clauses' key words only.
    code = "import sys, policybase.search.analyzer; print('jieba' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
