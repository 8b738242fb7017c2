import re

from hypothesis import given
from hypothesis import strategies as st

from ingest.clean import (
    clean,
    join_broken_lines,
    map_radicals,
    normalize_width,
    remove_chunk_markers,
    remove_cjk_spaces,
    remove_pinyin,
    restore_dropped_glyphs,
)


def test_chunk_markers_counting_up_are_removed_even_inside_words_and_dates():
    text = "1、汇编说明信2、息化标准(2023、4-05-14)第4、五条5、6、结束"
    assert remove_chunk_markers(text) == "汇编说明信息化标准(2024-05-14)第五条结束"


def test_real_list_numbers_stay_when_there_is_no_marker_sequence():
    text = "一、总则 1、提高效率 2、降低成本"
    assert remove_chunk_markers(text) == text


def test_pinyin_after_characters_goes_but_latin_in_brackets_stays():
    assert remove_pinyin("中(zhōng)央經濟工(gōng)作，我(wǒ)(wǒ)國") == "中央經濟工作，我國"
    assert remove_pinyin("人工智能(AI)和大模型(LLM)") == "人工智能(AI)和大模型(LLM)"


def test_radicals_become_characters():
    assert map_radicals("⼈⺠政府") == "人民政府"


def test_full_width_letters_and_digits_become_ascii_punctuation_stays():
    assert normalize_width("２０２３年ＡＩ，５Ｇ。") == "2023年AI，5G。"


def test_spaces_inside_chinese_go_spaces_between_latin_stay():
    assert remove_cjk_spaces("應 急 管 理 部 和 AI 模型") == "應急管理部和 AI 模型"


def test_a_dropped_year_range_dash_and_doc_number_brackets_come_back():
    # As 003's compilation prints them once the spaces before 年 and 号 are gone.
    assert restore_dropped_glyphs("三年行动计划(20242026年)(2024-01-04)") == (
        "三年行动计划(2024-2026年)(2024-01-04)"
    )
    assert restore_dropped_glyphs("市场三年行动计划(20242026)") == "市场三年行动计划(2024-2026)"
    assert restore_dropped_glyphs("（人社部发202437号）和财资20241号") == (
        "（人社部发〔2024〕37号）和财资〔2024〕1号"
    )
    # Digits that are no such run stay: a backward or too long "range", an
    # ordinal, a year alone before 号, a range already written.
    for text in ("(20262024年)", "(19902024年)", "第2024001号", "京政发2024号", "(2024-2026年)"):
        assert restore_dropped_glyphs(text) == text


def test_broken_sentence_lines_join_headings_do_not():
    text = "网信部门收到相关投诉、举报的，应当依据职责依法作出\n\n处理。\n一、总体要求\n以习近平新时代中国特色社会主义思想为指导。"
    assert join_broken_lines(text).split("\n") == [
        "网信部门收到相关投诉、举报的，应当依据职责依法作出处理。",
        "一、总体要求",
        "以习近平新时代中国特色社会主义思想为指导。",
    ]


def test_a_line_ending_in_a_bracketed_acronym_goes_on_a_bracketed_ending_does_not():
    text = (
        "促进区域全面经济伙伴关系协定（RCEP）\n约束性条款和相关软性条款加快落地实施。\n"
        "本办法自2024年1月1日起施行（2023年12月1日修订）\n（一）加入数字经济伙伴关系协定（DEPA）\n"
        "推进数字证书国际互认。"
    )
    assert join_broken_lines(text).split("\n") == [
        "促进区域全面经济伙伴关系协定（RCEP）约束性条款和相关软性条款加快落地实施。",
        "本办法自2024年1月1日起施行（2023年12月1日修订）",
        "（一）加入数字经济伙伴关系协定（DEPA）",
        "推进数字证书国际互认。",
    ]


def test_a_title_line_is_not_joined_to_the_addressees():
    text = (
        "杭州市人民政府办公厅关于加快推进人工智能产业创新发展的实施意见\n各区、县（市）人民政府："
    )
    assert len(join_broken_lines(text).split("\n")) == 2


CJK = re.compile(r"[\u4e00-\u9fff]")


@given(
    st.text(
        alphabet=st.sampled_from(list("数据安全条例第一二三、。（）() \n12zhōng")), max_size=200
    )
)
def test_cleaning_never_raises_is_idempotent_and_keeps_every_character(text):
    once = clean(text)
    assert clean(once) == once
    # Only pinyin (Latin) and markers (digits, 、) may go: every ideograph stays, in order.
    assert CJK.findall(once) == CJK.findall(text)
