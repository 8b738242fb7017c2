"""Seed files split into the documents a careful editor would make of them."""

from ingest.clean import clean
from ingest.parse import parse_path
from ingest.split import split_documents, table_of_contents

from ..conftest import seed_path

NEWSLETTER_POLICIES = [
    "人脸识别技术应用安全管理规定（试行）（征求意见稿）",
    "杭州市人民政府办公厅关于加快推进人工智能产业创新发展的实施意见",
    "北京市贯彻落实加快建设全国统一大市场意见的实施方案",
    "贵阳贵安推进数据要素市场化配置改革支持贵阳大数据交易所优化提升实施方案",
    "上海市促进浦东新区数据流通交易若干规定(草案)",
    "广州市新型智慧城市建设规划(征求意见稿)",
    "济南市公共数据授权运营办法(征求意见稿)",
]


def seed_text(name: str) -> str:
    return clean(seed_path(name).read_text(encoding="utf-8"))


def test_newsletter_gives_its_seven_policies_and_nothing_else():
    drafts = split_documents(seed_text("002_newsletter_dashuju_dongtai_2023_32.txt"), "002")
    assert [d.title for d in drafts] == NEWSLETTER_POLICIES
    # Editor's notes stay out of the documents they introduce.
    assert all("编者按" not in d.body for d in drafts)


def test_newsletter_metadata_and_article_counts():
    drafts = {
        d.title: d for d in parse_path(seed_path("002_newsletter_dashuju_dongtai_2023_32.txt"))
    }
    face = drafts[NEWSLETTER_POLICIES[0]]
    assert face.region.level == "national"
    assert face.status == ["试行", "征求意见稿"]
    assert face.effective_date is None  # 本规定自×年×月×日起施行: a draft, no date
    articles = {c.number for c in face.clauses if c.number and c.number.endswith("条")}
    assert len(articles) == 25
    hangzhou = drafts[NEWSLETTER_POLICIES[1]]
    assert (hangzhou.region.province, hangzhou.region.city) == ("浙江省", "杭州市")
    assert hangzhou.issuers == ["杭州市人民政府办公厅"]
    assert str(hangzhou.effective_date) == "2023-08-25"
    assert str(hangzhou.expiry_date) == "2026-12-31"
    # The item's source line names its issuer when it is an organisation.
    assert drafts[NEWSLETTER_POLICIES[2]].issuers == ["北京市人民政府"]
    assert drafts[NEWSLETTER_POLICIES[6]].issuers == ["济南市人民政府"]
    pudong = drafts[NEWSLETTER_POLICIES[4]]
    assert (pudong.region.province, pudong.region.district) == ("上海市", "浦东新区")
    assert len({c.number for c in pudong.clauses if c.number and c.number.endswith("条")}) == 20


def test_compilation_contents_has_126_entries_with_dates_and_sections():
    entries = table_of_contents(seed_text("003_compilation_data_asset_policies_2024.txt"))
    assert len(entries) == 126
    assert entries[0].title == "关于加强数据资产管理的指导意见"
    assert entries[0].date == "2023-12-31"
    chaoyang = next(e for e in entries if e.title.startswith("朝阳区关于支持数据要素产业发展"))
    assert chaoyang.date == "2024-01-22"
    assert chaoyang.section == "北京市"


def test_compilation_documents_with_and_without_full_text():
    drafts = parse_path(seed_path("003_compilation_data_asset_policies_2024.txt"))
    assert len(drafts) == 126
    full = [d for d in drafts if d.has_full_text]
    assert 15 <= len(full) <= 25
    assert all(d.clauses for d in full)
    assert all(not d.clauses for d in drafts if not d.has_full_text)
    # Scraper chunk markers are gone from every clause.
    assert not any("信2、息" in c.text for d in full for c in d.clauses)
    chaoyang = next(d for d in drafts if d.title.startswith("朝阳区关于支持数据要素产业发展"))
    assert chaoyang.region.as_dict() == {
        "level": "district",
        "province": "北京市",
        "city": None,
        "district": "朝阳区",
    }
    assert chaoyang.status == ["试行", "征求意见稿"]
    # Listed under 国家篇 and again under 内蒙古自治区: a national document both times.
    relisted = [d for d in drafts if d.title == "工业和信息化领域数据安全风险评估实施细则(试行)"]
    assert [d.filed_under for d in relisted] == ["国家篇", "内蒙古自治区"]
    assert [d.region.level for d in relisted] == ["national", "national"]
    notice = next(d for d in drafts if d.title == "关于加强行政事业单位数据资产管理的通知")
    assert notice.region.level == "national"  # addressed to 各省、自治区、直辖市


def test_webpage_notice_and_its_plan_are_one_document():
    (plan,) = parse_path(seed_path("004_webpage_data_elements_x_plan_traditional.txt"))
    assert plan.title == "“數據要素×”三年行動計劃(2024—2026年)"
    assert plan.doc_number == "國數政策〔2023〕11号"
    assert str(plan.publish_date) == "2023-12-31"
    # Issuers are folded to simplified characters and full names, the title stays as printed.
    assert len(plan.issuers) == 17 and plan.issuers[:2] == [
        "国家数据局",
        "中央网络安全和信息化委员会办公室",
    ]
    assert plan.region.level == "national"
    assert plan.doc_type == "计划"
    text = "".join(c.text for c in plan.clauses)
    assert "(zhōng)" not in text and "(wǒ)" not in text
    # The notice's own sentences come first, under its title; then the plan's.
    notice = "國家數據局等部門關于印發《“數據要素×”三年行動計劃(2024—2026年)》的通知"
    assert plan.clauses[0].path == [notice]
    assert plan.clauses[0].text.startswith("爲深入貫徹黨的二十大")  # the addressees are no clause
    assert plan.clauses[2].path == ["一、激活數據要素潛能"]
    # Page furniture (文章圖片來源:經濟觀察報) is no clause.
    assert not any("圖片來源" in c.text for c in plan.clauses)


def test_a_notice_publishing_a_policy_without_title_marks_is_its_preamble(tmp_path):
    # Official titles print the published policy without 《》 (GB/T 9704).
    path = tmp_path / "notice.txt"
    path.write_text(
        "绍兴市人民政府办公室关于印发绍兴市公共数据开放实施方案的通知\n绍政办发〔2024〕7号\n"
        "各区、县（市）人民政府，市政府各部门：\n现将《绍兴市公共数据开放实施方案》印发给你们，请认真组织实施。\n"
        "绍兴市人民政府办公室\n2024年6月3日\n绍兴市公共数据开放实施方案\n"
        "一、工作目标\n到2025年，全市公共数据开放数据集达到1000个。",
        encoding="utf-8",
    )
    (plan,) = parse_path(path)
    assert (plan.title, plan.doc_number, plan.issuers, str(plan.publish_date)) == (
        "绍兴市公共数据开放实施方案",
        "绍政办发〔2024〕7号",
        ["绍兴市人民政府办公室"],
        "2024-06-03",
    )
    assert [(c.text, c.path) for c in plan.clauses] == [
        (
            "现将《绍兴市公共数据开放实施方案》印发给你们，请认真组织实施。",
            ["绍兴市人民政府办公室关于印发绍兴市公共数据开放实施方案的通知"],
        ),
        ("到2025年，全市公共数据开放数据集达到1000个。", ["一、工作目标"]),
    ]


def test_a_file_with_no_policy_title_gives_no_document():
    assert (
        split_documents(
            "2023年上半年电子信息制造业运行情况\n规模以上电子信息制造业增加值同比下降。", "x"
        )
        == []
    )


# --- Titles of real files (issue 22); each excerpt is from ../shared/corpus ---


def one(text: str, hint: str = ""):
    (draft,) = split_documents(clean(text), "x", hint)
    return draft


def test_a_law_is_titled_above_its_header_note_never_by_a_chapter():
    # g01 as its PDF prints it: title, bracketed note, 目录, chapters.
    draft = one(
        "中华人民共和国劳动合同法\n（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）\n"
        "目录\n第一章总则\n第五章特别规定\n第一节集体合同\n第八章附则\n"
        "第一章总则\n第一条为了完善劳动合同制度，制定本法。\n第五章特别规定\n第一节集体合同\n"
        "第五十一条企业职工一方与用人单位通过平等协商，可以订立集体合同。"
    )
    assert draft.title == "中华人民共和国劳动合同法"
    assert draft.header_note.startswith("（2007年6月29日")
    # The contents are no part of the body: it starts at the first chapter.
    assert draft.body.startswith("第一章总则\n第一条")


def test_an_interpretation_with_its_note_and_the_markdown_heading_as_hint():
    # lrb_101: "# 最高人民法院关于…的解释" then the note, one event a line.
    text = (
        "最高人民法院关于审理倒卖车票刑事案件有关问题的解释\n\n"
        "1999年9月2日 最高人民法院审判委员会第1074次会议通过\n\n1999年9月14日 施行\n\n"
        "为依法惩处倒卖车票的犯罪活动，现就有关问题解释如下：\n"
        "第一条 高价倒卖车票，票面数额在5000元以上的，构成倒卖车票情节严重。"
    )
    draft = one(text, hint="最高人民法院关于审理倒卖车票刑事案件有关问题的解释")
    assert draft.title == "最高人民法院关于审理倒卖车票刑事案件有关问题的解释"
    assert draft.header_note.split("\n")[-1] == "1999年9月14日施行"
    assert draft.body.startswith("为依法惩处")


def test_a_title_repeated_broken_under_the_hint_is_skipped():
    # lrb_009: the heading, then the same title over two lines, then the note.
    draft = one(
        "中华人民共和国境外非政府组织境内活动管理法\n中华人民共和国境外非政府组织\n境内活动管理法\n"
        "2016年4月28日 第十二届全国人民代表大会常务委员会第二十次会议通过\n"
        "第一条 为了规范、引导境外非政府组织在中国境内的活动，制定本法。",
        hint="中华人民共和国境外非政府组织境内活动管理法",
    )
    assert draft.title == "中华人民共和国境外非政府组织境内活动管理法"
    assert draft.header_note.startswith("2016年4月28日")


def test_a_title_broken_over_lines_is_joined_and_its_notice_merged():
    # g11 (a Word 97 file): the notice's title over three paragraphs, the plan's over two.
    text = (
        "海南省农业农村厅海南省财政厅\n关于印发2024-2026年海南省农机\n购置与应用补贴实施方案的通知\n"
        "各市、县、自治县农业农村局、财政局：\n现将《2024—2026年海南省农机购置与应用补贴实施方案》印发给你们，请认真贯彻执行。\n"
        "海南省农业农村厅海南省财政厅\n2024年7月1日\n（此件主动公开）\n"
        "2024—2026年海南省\n农机购置与应用补贴实施方案\n一、总体要求\n以习近平新时代中国特色社会主义思想为指导。"
    )
    draft = split_documents(text, "x")[0]
    assert draft.title == "2024—2026年海南省农机购置与应用补贴实施方案"
    assert (
        draft.notice_title
        == "海南省农业农村厅海南省财政厅关于印发2024-2026年海南省农机购置与应用补贴实施方案的通知"
    )
    assert "2024年7月1日" in draft.preamble
    assert draft.body.startswith("一、总体要求")


def test_a_page_title_with_breadcrumbs_and_site_name_below_it():
    # g26: the page's ArticleTitle, then the same in breadcrumbs.
    title = (
        "广州市社会保险基金管理中心关于开展2025年企业职工和城乡居民养老保险待遇领取资格认证的通告"
    )
    draft = one(
        f"{title}\n首页 > 业务专题 > 专题报道 > 养老保险{title}\n一、一年至少认证一次\n按月领取养老保险待遇的参保人应一年至少进行一次资格认证。",
        title,
    )
    assert draft.title == title
    assert draft.body.startswith("一、一年至少认证一次")


def test_an_attachment_policy_after_a_draft_announcement_with_its_status_line():
    # g23: a 征求意见 announcement, then its draft plan as an attachment.
    text = (
        "关于向社会公开征求《可信数据空间发展行动计划（2024—2028年）》意见的公告\n"
        "为引导和支持可信数据空间发展，我局研究起草了《可信数据空间发展行动计划（2024—2028年）》。\n"
        "附件：可信数据空间发展行动计划（2024—2028年）（征求意见稿）\n国家数据局\n2024年10月18日\n附件\n"
        "可信数据空间发展行动计划（2024—2028年）\n（征求意见稿）\n一、总体思路与目标\n到2028年，建成可信数据空间100个以上。"
    )
    draft = split_documents(clean(text), "x")[0]
    assert draft.title == "可信数据空间发展行动计划（2024—2028年）"
    assert draft.status == ["征求意见稿"]
    assert draft.notice_title.startswith("关于向社会公开征求")
    assert draft.body.startswith("一、总体思路与目标")


def test_a_state_council_order_is_the_preamble_of_its_regulation():
    # g03: the order, its signature, then the regulation.
    draft = one(
        "中华人民共和国国务院令\n第535号\n《中华人民共和国劳动合同法实施条例》已经2008年9月3日国务院第25次常务会议通过，"
        "现予公布，自公布之日起施行。\n总理温家宝\n二○○八年九月十八日\n中华人民共和国劳动合同法实施条例\n"
        "第一章总则\n第一条为了贯彻实施《中华人民共和国劳动合同法》，制定本条例。"
    )
    assert draft.title == "中华人民共和国劳动合同法实施条例"
    assert draft.notice_title == "中华人民共和国国务院令"
    assert draft.preamble.startswith("中华人民共和国国务院令\n第535号")
