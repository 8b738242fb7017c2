"""Cases found by an independent review of the first ingestion version."""

import datetime as dt

import pytest
from reportlab.lib import pdfencrypt
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.clauses import split_clauses
from ingest.clean import (
    clean,
    join_broken_lines,
    remove_chunk_markers,
    remove_cjk_spaces,
    remove_glued_page_numbers,
)
from ingest.drafts import DocumentDraft, UnreadableSource
from ingest.metadata import extract_metadata, signature
from ingest.metadata.dates import expiry_date
from ingest.readers import read
from ingest.split import split_documents


def test_a_real_list_of_many_items_keeps_its_numbers():
    listed = "\n".join(f"{n}、开展第{n}项工作。" for n in range(1, 9))
    inline = "主要任务：1、加强数据管理。2、推进共享。3、完善标准。4、强化安全。5、培育市场。"
    assert remove_chunk_markers(listed) == listed
    assert remove_chunk_markers(inline) == inline


def test_page_numbers_glued_into_text_go_and_quantities_stay():
    # Pages 3 4 6 8 9 count up; 7 carries a unit but sits between 6 and 8.
    text = (
        "探索建立收益分配3机制。超过10个标杆。推动价值评估、4管理运营。打造应6用场景，"
        "支持100万人。建设7项目，推动8数据流通，形成9交易规则，首批8类数据。"
    )
    assert remove_glued_page_numbers(text) == (
        "探索建立收益分配机制。超过10个标杆。推动价值评估、管理运营。打造应用场景，"
        "支持100万人。建设项目，推动数据流通，形成交易规则，首批8类数据。"
    )


def test_numbers_that_do_not_count_up_like_pages_stay():
    text = "提供3机制，推动9项，形成2规则，首批8类数据，推进5平台。"
    assert remove_glued_page_numbers(text) == text


def test_clean_of_a_compilation_with_glued_pages_is_idempotent():
    text = "".join(f"第{n}段文字说明数据要素{n + 1}市场建设。" for n in range(1, 30))
    once = clean(text)
    assert clean(once) == once


def _pdf(path, **options):
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), **options)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 700, "第一条　为了规范公共数据管理，制定本办法。")
    page.showPage()
    page.save()
    return path


def test_a_pdf_with_a_user_password_says_it_is_encrypted(tmp_path):
    locked = pdfencrypt.StandardEncryption("secret", "owner")
    with pytest.raises(UnreadableSource, match="加密"):
        read(_pdf(tmp_path / "locked.pdf", encrypt=locked))


def test_a_pdf_whose_glyphs_map_to_no_characters_is_unreadable_not_garbage(tmp_path):
    # pdfminer returns "(cid:2838)…" for this file; indexing that would be junk.
    restricted = pdfencrypt.StandardEncryption("", "owner", canPrint=0)
    path = _pdf(tmp_path / "restricted.pdf", encrypt=restricted)
    try:
        raw = read(path)
    except UnreadableSource:
        return
    assert "(cid:" not in raw.text


def test_utf16_without_a_byte_order_mark_is_text(tmp_path):
    text = "第一条　为了促进数据依法有序流动，制定本条例。\n第二条　本条例自2024年1月1日起施行。\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert read(path).text == text


def test_signature_dates_in_brackets_or_after_a_label():
    assert signature(["（2023年12月31日）"]) == ([], dt.date(2023, 12, 31))
    assert signature(["发布日期：2024年3月22日"]) == ([], dt.date(2024, 3, 22))
    assert signature(["國家數據局", "科技部", "2023年12月31日"]) == (
        ["國家數據局", "科技部"],
        dt.date(2023, 12, 31),
    )
    assert signature(["上海市浦东新区人民政府　2024年6月20日"]) == (
        ["上海市浦东新区人民政府"],
        dt.date(2024, 6, 20),
    )


def test_expiry_written_as_jiezhi():
    assert expiry_date("有效期截至2027年6月30日。") == dt.date(2027, 6, 30)


def test_region_of_a_traditional_title():
    draft = extract_metadata(DocumentDraft(source="x", title="內蒙古自治區數據條例", body=""))
    assert (draft.region.level, draft.region.province) == ("province", "内蒙古自治区")


def test_a_heading_glued_to_its_first_item_is_split_off():
    body = "一、总体要求(一)指导思想。以数据为关键要素。(二)基本原则。坚持安全。二、主要任务(三)依法管理。保护权益。"
    clauses = split_clauses(DocumentDraft(source="x", title="t", body=body))
    assert [(c.number, c.path) for c in clauses] == [
        ("(一)", ["一、总体要求"]),
        ("(二)", ["一、总体要求"]),
        ("(三)", ["二、主要任务"]),
    ]


def test_spaces_between_numbers_and_characters_go_latin_spacing_stays():
    text = "数字广东建设 2024 年工作要点，到 2025 年推进 MaaS 新模式"
    assert remove_cjk_spaces(text) == "数字广东建设2024年工作要点，到2025年推进 MaaS 新模式"


def test_a_policy_whose_title_names_no_type_is_kept_with_a_warning():
    text = "兰州市加快数字经济高质量发展\n第一条 为了促进数字经济发展，制定本措施。"
    [draft] = split_documents(text, "lanzhou.txt")
    assert draft.title == "兰州市加快数字经济高质量发展"
    assert draft.body == "第一条 为了促进数字经济发展，制定本措施。"
    assert draft.warnings


def test_a_numbered_paragraph_broken_by_the_layout_is_joined_a_heading_is_not():
    paragraph = (
        "15.进一步规范不当市场竞争和市场干预行为。纠治行业协会利用影响力强制服务、强制入会、"
    )
    assert join_broken_lines(paragraph + "\n\n违规收费等行为。") == paragraph + "违规收费等行为。"
    heading = "（二）构建高效协同模型创新生态体系建设"
    assert join_broken_lines(heading + "\n推进新模式。") == heading + "\n推进新模式。"
