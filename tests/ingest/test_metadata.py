import datetime as dt

import pytest

from ingest.drafts import DocumentDraft
from ingest.metadata import doc_type_of, extract_metadata, published_title, signature, status_of
from ingest.metadata.dates import effective_date, expiry_date, parse_date
from ingest.metadata.doc_numbers import find_doc_number, normalize_doc_number
from ingest.metadata.issuers import canonical_issuers
from ingest.metadata.regions import detect_region


def test_dates_in_every_notation():
    assert parse_date("二〇二三年十二月三十一日") == dt.date(2023, 12, 31)
    assert parse_date("２０２４年１月５日") == dt.date(2024, 1, 5)
    assert parse_date("2023 年 8 月 25 日") == dt.date(2023, 8, 25)
    assert parse_date("(2024-03-22)") == dt.date(2024, 3, 22)
    assert parse_date("本规定自×年×月×日起施行") is None


def test_effective_and_expiry_dates():
    text = "本意见自2023年8月25日起施行，有效期至2026年12月31日。"
    assert effective_date(text) == dt.date(2023, 8, 25)
    assert expiry_date(text) == dt.date(2026, 12, 31)
    assert effective_date("本规定自年月日起施行。") is None


def test_doc_numbers_normalise_and_cited_ones_are_not_the_documents():
    assert normalize_doc_number("京政办发[2024]3号") == "京政办发〔2024〕3号"
    assert normalize_doc_number("沪府规(2023)5号") == "沪府规〔2023〕5号"
    assert normalize_doc_number("浙政发〔2023〕 第5号") == "浙政发〔2023〕5号"
    assert find_doc_number(["國數政策〔2023〕11号"]) == "國數政策〔2023〕11号"
    assert find_doc_number(["根据《国务院关于…的意见》（国发〔2022〕2号），制定本方案。"]) is None


def test_regions_with_their_full_path():
    assert detect_region("杭州市人民政府办公厅").as_dict() == {
        "level": "city",
        "province": "浙江省",
        "city": "杭州市",
        "district": None,
    }
    assert detect_region("上海市促进浦东新区数据流通交易若干规定").district == "浦东新区"
    assert detect_region("朝阳区关于支持数据要素产业发展的若干措施", "北京市").province == "北京市"
    assert detect_region("长春市朝阳区数据局").province == "吉林省"
    # 朝阳区 alone could be Beijing or Changchun: unknown, not a guess.
    assert detect_region("朝阳区关于支持数据要素产业发展的若干措施").level is None
    assert detect_region("中国(天津)自由贸易试验区数据出境管理清单").province == "天津市"
    assert detect_region("国家数据局").level == "national"


def test_title_type_and_status():
    title = "国家数据局等部门关于印发《“数据要素×”三年行动计划（2024—2026年）》的通知"
    assert published_title(title) == "“数据要素×”三年行动计划（2024—2026年）"
    # Official titles print the published policy without 《》 (GB/T 9704).
    assert (
        published_title("杭州市人民政府办公厅关于印发杭州市公共数据授权运营实施细则（试行）的通知")
        == "杭州市公共数据授权运营实施细则（试行）"
    )
    # 公布 without 《》 publishes a list, which is the notice's own subject.
    listing = "国家数据局关于公布2024年数据要素典型案例名单的通知"
    assert published_title(listing) == listing
    assert doc_type_of("杭州市人民政府办公厅关于加快推进人工智能产业创新发展的实施意见") == "意见"
    assert doc_type_of("人脸识别技术应用安全管理规定（试行）（征求意见稿）") == "规定"
    assert status_of("人脸识别技术应用安全管理规定（试行）（征求意见稿）") == ["试行", "征求意见稿"]
    assert status_of("會計師事務所數據安全管理暫行辦法") == ["暂行"]


def test_notice_metadata_comes_from_the_preamble():
    draft = DocumentDraft(
        source="x",
        title="国家数据局等部门关于印发《数据计划》的通知",
        preamble="国数政策〔2023〕11号\n各省数据管理部门：\n现印发给你们。\n国家数据局\n科技部\n2023年12月31日",
        body="一、总体要求\n（一）到2026年底，数据要素应用广度和深度大幅拓展。",
    )
    extract_metadata(draft)
    assert draft.title == "数据计划"
    assert draft.issuers == ["国家数据局", "科学技术部"]
    assert draft.doc_number == "国数政策〔2023〕11号"
    assert draft.publish_date == dt.date(2023, 12, 31)
    assert draft.region.level == "national"
    assert draft.doc_type == "计划"


def test_an_issuer_is_stored_once_under_its_full_simplified_name():
    # Only national short names are expanded: 发改委 alone could be any province's.
    assert canonical_issuers(["國家網信辦", "国家互联网信息办公室", " 发改委 ", ""]) == [
        "国家互联网信息办公室",
        "发改委",
    ]


@pytest.mark.parametrize(
    ("title", "issuers", "level"),
    [
        # The space the title prints between the two is gone after cleaning.
        (
            "中共中央国务院关于构建数据基础制度更好发挥数据要素作用的意见",
            ["中共中央", "国务院"],
            "national",
        ),
        (
            "中共中央办公厅 国务院办公厅关于加快公共数据资源开发利用的意见",
            ["中共中央办公厅", "国务院办公厅"],
            "national",
        ),
        (
            "中共浙江省委办公厅浙江省人民政府办公厅关于加快数据要素市场化配置的实施意见",
            ["中共浙江省委办公厅", "浙江省人民政府办公厅"],
            "province",
        ),
        ("中共中央关于全面深化改革若干重大问题的决定", ["中共中央"], "national"),
        (
            "杭州市人民政府办公厅关于加快推进人工智能产业创新发展的实施意见",
            ["杭州市人民政府办公厅"],
            "city",
        ),
    ],
)
def test_a_party_committee_and_a_government_issuing_jointly_are_two_issuers(title, issuers, level):
    draft = extract_metadata(
        DocumentDraft(source="x", title=title, body="为推进工作，制定本意见。")
    )
    assert draft.issuers == issuers
    assert draft.region.level == level


def test_the_party_centre_signs_beside_the_state_council():
    lines = ["本意见自印发之日起施行。", "中共中央", "国务院", "2022年12月2日"]
    assert signature(lines) == (["中共中央", "国务院"], dt.date(2022, 12, 2))


def test_departments_signing_by_their_level_take_the_region_s_name():
    draft = DocumentDraft(
        source="x",
        title="浙江省公共数据授权运营管理办法（试行）",
        body="第一条 为规范公共数据授权运营，制定本办法。\n省发展改革委\n省经信厅\n省市场监管局\n2024年3月1日",
    )
    extract_metadata(draft)
    assert draft.issuers == ["浙江省发展改革委", "浙江省经信厅", "浙江省市场监管局"]
    # In a municipality the 市 is the province; 市场监管局 is no 市 + 场监管局.
    draft = DocumentDraft(
        source="x",
        title="北京市公共数据专区授权运营管理办法",
        body="第一条 为规范授权运营，制定本办法。\n市经济和信息化局\n市场监管局\n2024年3月1日",
    )
    extract_metadata(draft)
    assert draft.issuers == ["北京市经济和信息化局", "市场监管局"]
