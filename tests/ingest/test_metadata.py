import datetime as dt

import pytest

from ingest.drafts import DocumentDraft
from ingest.metadata import doc_type_of, extract_metadata, published_title, signature, status_of
from ingest.metadata.dates import effective_date, expiry_date, parse_date
from ingest.metadata.regions import detect_region
from policybase.text.doc_numbers import find_doc_number, normalize_doc_number
from policybase.text.issuers import canonical_issuers


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


# --- Real policy files (issue 22); each excerpt is from ../shared/corpus ---


def metadata_of(title: str, body: str, **draft) -> DocumentDraft:
    return extract_metadata(DocumentDraft(source="x", title=title, body=body, **draft))


def test_types_of_laws_interpretations_and_amendments():
    assert doc_type_of("中华人民共和国数据安全法") == "法"
    assert doc_type_of("中华人民共和国刑法修正案（十）") == "修正案"
    assert doc_type_of("最高人民法院关于审理倒卖车票刑事案件有关问题的解释") == "解释"
    assert doc_type_of("能源消费量计算方法") is None  # 方法 is no law
    assert doc_type_of("公共数据资源登记管理暂行办法") == "办法"


def test_status_only_from_the_titles_end():
    assert status_of("公共数据资源登记管理暂行办法") == ["暂行"]
    assert status_of("福田区公共数据授权运营暂行管理办法") == ["暂行"]
    # lrb_050: the 暂行 is the parent regulation's, this is its 实施办法.
    assert status_of("中华人民共和国计算机信息网络国际联网管理暂行规定实施办法") == []
    assert status_of("中华人民共和国药品管理法（2019年修订）") == []


def test_a_law_of_the_country_is_national_wherever_it_names_a_place():
    # lrb_098: the Supreme People's Court's decision on the 上海金融法院.
    draft = metadata_of(
        "最高人民法院关于修改《关于上海金融法院案件管辖的规定》的决定",
        "一、将第一条修改为：",
        issuers=["最高人民法院"],
    )
    assert draft.region.level == "national"
    law = metadata_of("中华人民共和国香港特别行政区维护国家安全法", "第一条 为了…，制定本法。")
    assert law.region.level == "national"


def test_a_regulation_takes_its_issuers_place_not_the_one_it_is_about():
    # lrb_121: the Shanghai standing committee's regulation for 浦东新区.
    draft = metadata_of(
        "上海市浦东新区市场主体登记确认制若干规定",
        "第一条 为了…，制定本规定。",
        issuers=["上海市人民代表大会常务委员会"],
    )
    assert (draft.region.level, draft.region.province, draft.region.district) == (
        "province",
        "上海市",
        None,
    )


def test_a_title_naming_no_place_without_a_local_issuer_is_national():
    # g05: an attachment-only PDF of a national measure.
    draft = metadata_of(
        "公共数据资源登记管理暂行办法", "第一条 为促进公共数据资源合规高效开发利用，制定本办法。"
    )
    assert draft.region.level == "national"
    assert "未识别出发布日期、发文机关" in draft.warnings[0]


def test_a_state_level_new_area_is_its_district():
    # g20: 广州南沙新区 is 南沙区.
    draft = metadata_of(
        "广州南沙新区(自贸片区)促进科技创新产业发展扶持办法", "第一条 对新落户本区的企业给予奖励。"
    )
    assert (draft.region.city, draft.region.district) == ("广州市", "南沙区")


def test_in_force_from_issue_takes_the_colophon_date_and_lapses_after_its_term():
    # g13: 本通知自印发之日起施行，有效期5年 and the colophon's 印发 date.
    draft = metadata_of(
        "广州市人民政府办公厅关于进一步加强特困人员救助供养工作的通知",
        "八、其他事宜\n本通知自印发之日起施行，有效期5年。\n广州市人民政府办公厅\n2021年4月13日\n"
        "公开方式：主动公开\n广州市人民政府办公厅2021年4月16日印发",
    )
    assert (draft.publish_date, draft.effective_date) == (
        dt.date(2021, 4, 13),
        dt.date(2021, 4, 16),
    )
    assert draft.expiry_date == dt.date(2026, 4, 15)
    assert draft.issuers == ["广州市人民政府办公厅"]


def test_a_term_of_something_else_is_no_expiry():
    # seed 003: the assessment result is valid for three years, not the rule.
    draft = metadata_of(
        "促进和规范数据跨境流动规定",
        "第九条 通过数据出境安全评估的结果有效期为3年，自评估结果出具之日起计算。",
        publish_date=dt.date(2024, 3, 22),
    )
    assert draft.expiry_date is None


def test_in_force_from_issue_without_a_date_of_issue_is_unknown():
    # g19: a city's measure reposted by a district; the page's posting date is no 印发 date.
    draft = extract_metadata(
        DocumentDraft(
            source="x",
            title="广州市困难残疾人生活补贴和重度残疾人护理补贴实施办法",
            body="九、附则\n本实施办法自印发之日起实施，有效期5年。",
        ),  # fmt: skip
        fields={"posted": "2022-11-16 11:05:47"},
    )
    assert draft.publish_date == dt.date(2022, 11, 16)
    assert draft.effective_date is None


def test_a_cited_documents_commencement_is_not_this_ones():
    # lrb_083: the preamble cites the amendment's own date.
    text = (
        "《全国人民代表大会常务委员会关于修改〈中华人民共和国商标法〉的决定》已由第九届全国人民代表大会常务委员会"
        "第二十四次会议通过，自2001年12月1日起施行。为了正确审理商标案件，作如下解释：\n"
        "第一条 人民法院受理以下商标案件。"
    )
    assert effective_date(text) is None
    assert effective_date("第二十四条 本办法自2025年3月1日起施行，有效期5年。") == dt.date(
        2025, 3, 1
    )


def test_joint_signatories_on_one_line_are_each_an_issuer():
    # g16: three bureaus and the date, run together on one line of the page.
    issuers, signed = signature(["广州市民政局广州市财政局广州市市场监督管理局2024年3月14日"])
    assert issuers == ["广州市民政局", "广州市财政局", "广州市市场监督管理局"]
    assert signed == dt.date(2024, 3, 14)
    # A regulator's provincial office is one body (g09).
    assert signature(["中国银保监会江苏监管局", "2020年11月23日"])[0] == ["中国银保监会江苏监管局"]


def test_a_page_fields_fill_what_the_text_leaves():
    # g15: the page's 实施日期 for 自印发之日起施行 with no 印发 line.
    draft = extract_metadata(
        DocumentDraft(
            source="x",
            title="广州市就业见习基地管理办法",
            body="第二十三条 本办法自印发之日起施行，有效期5年。",
        ),  # fmt: skip
        fields={"effective": "2019年10月16日", "expiry": "2024年10月15日"},
    )
    assert draft.effective_date == dt.date(2019, 10, 16)
    assert draft.expiry_date == dt.date(2024, 10, 15)
