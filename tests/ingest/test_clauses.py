from ingest.clauses import split_clauses
from ingest.drafts import DocumentDraft


def clauses_of(body):
    return split_clauses(DocumentDraft(source="x", title="t", body=body))


def test_articles_with_chapters_paragraphs_and_items():
    clauses = clauses_of(
        "第一章 总则\n第一条 为规范数据处理，制定本办法。\n第二条 本办法适用于本市。\n"
        "前款所称数据，是指公共数据。\n第二章 管理\n第三条 评估包括下列内容：\n"
        "（一）是否合法；\n（二）是否必要。"
    )
    assert [(c.number, c.path) for c in clauses] == [
        ("第一条", ["第一章 总则"]),
        ("第二条", ["第一章 总则"]),
        ("第二条第二款", ["第一章 总则"]),
        ("第三条", ["第二章 管理"]),
        ("（一）", ["第二章 管理", "第三条"]),
        ("（二）", ["第二章 管理", "第三条"]),
    ]


def test_a_signature_of_several_bodies_is_no_paragraph_of_the_last_article():
    clauses = clauses_of(
        "第一条 为规范数据处理，制定本办法。\n第二条 本办法自发布之日起施行。\n"
        "济南市大数据局\n济南市财政局\n2024年3月1日"
    )
    assert [(c.number, c.text) for c in clauses] == [
        ("第一条", "第一条 为规范数据处理，制定本办法。"),
        ("第二条", "第二条 本办法自发布之日起施行。"),
    ]
    # Without the date below it, an organisation's name on its own line is text.
    assert (
        clauses_of("第一条 本办法由下列机关负责解释：\n济南市大数据局")[-1].number == "第一条第二款"
    )


def test_outline_headings_become_paths_of_the_items_below():
    clauses = clauses_of(
        "一、主要任务\n（一）建设算力体系。加快推进算力基础设施建设。\n"
        "1.整合提升通用算力。强化建管并重。\n2.积极扩容智能算力。整合政企资源。\n二、保障措施\n加强组织领导，落实责任。"
    )
    assert [(c.number, c.path) for c in clauses] == [
        ("（一）", ["一、主要任务"]),
        ("1.", ["一、主要任务", "（一）建设算力体系"]),
        ("2.", ["一、主要任务", "（一）建设算力体系"]),
        (None, ["二、保障措施"]),
    ]


def test_flattened_text_gets_its_blocks_back_and_glued_page_numbers_go():
    clauses = clauses_of(
        "第一章总则第一条为规范管理,制定本办法。第二条本办法适用于本市。6(三)加强应急管理。"
    )
    assert [c.number for c in clauses] == ["第一条", "第二条", "(三)"]
    assert clauses[-1].text == "(三)加强应急管理。"


def test_long_unnumbered_paragraphs_split_at_sentence_ends():
    sentence = "推动数据要素市场化配置改革，培育数据交易市场主体" * 3 + "。"
    clauses = clauses_of(sentence * 6)
    assert len(clauses) > 1
    assert "".join(c.text for c in clauses) == sentence * 6
    assert all(c.text.endswith("。") for c in clauses)


def test_a_stock_heading_glued_to_its_text_becomes_the_heading_of_that_text():
    # As 003's flattened compilation prints them: the heading's line break lost.
    clauses = clauses_of(
        "一、总体要求(一)指导思想以习近平新时代中国特色社会主义思想为指导,深入贯彻落实。"
        "(二)基本原则需求牵引,注重实效。三、保障措施各地商务主管部门要加强组织领导。"
        "(三)组织实施方案由市数据局负责。(四)加强数据安全保障落实数据安全法规制度。"
    )
    assert [(c.number, c.path, c.text) for c in clauses] == [
        (
            None,
            ["一、总体要求", "(一)指导思想"],
            "以习近平新时代中国特色社会主义思想为指导,深入贯彻落实。",
        ),
        (None, ["一、总体要求", "(二)基本原则"], "需求牵引,注重实效。"),
        (None, ["三、保障措施"], "各地商务主管部门要加强组织领导。"),
        # Not stock headings: a sentence may begin with 组织实施, and a topical
        # heading cannot be told from its text.
        ("(三)", ["三、保障措施"], "(三)组织实施方案由市数据局负责。"),
        ("(四)", ["三、保障措施"], "(四)加强数据安全保障落实数据安全法规制度。"),
    ]


# --- What real notices put around their text (issue 22) ---


def test_colophon_attachment_list_and_links_are_no_clauses():
    # g13, g17, g18, g19: the lines after the last article of a Guangzhou page.
    clauses = clauses_of(
        "第十六条 本办法自印发之日起施行，有效期5年。\n附件：1.引进在职人才入户流程图\n"
        "公开方式：主动公开\n抄送：市委办公厅，市人大常委会办公厅。\n"
        "广州市人民政府办公厅秘书处2022年9月13日印发\n（此件主动公开）\n特此通知。\n"
        "政策解读：https://www.gz.gov.cn/zwgk/zcjd/content/post_7922695.html"
    )
    assert [c.text for c in clauses] == ["第十六条 本办法自印发之日起施行，有效期5年。"]


def test_an_attachment_after_the_text_is_no_paragraph_of_the_last_article():
    # g15: the measures end, then their forms.
    clauses = clauses_of(
        "第二十三条 本办法自印发之日起施行。\n附表2\n广州市就业见习基地见习岗位需求信息表\n"
        "注：见习待遇主要包括生活补贴标准、食宿条件等事项。"
    )
    assert [(c.number, c.path) for c in clauses] == [
        ("第二十三条", []),
        (None, ["附表2"]),
        (None, ["附表2"]),
    ]


def test_addressees_run_into_the_first_sentence_are_cut_off():
    # g27: "各银保监分局，…:党的十九届五中全会…" on one line.
    (clause,) = clauses_of(
        "各银保监分局，各银行业金融机构，各保险机构:党的十九届五中全会提出坚持创新驱动发展。"
    )
    assert clause.text == "党的十九届五中全会提出坚持创新驱动发展。"


def test_the_publishing_notice_keeps_its_sentences_under_its_title():
    notice = "上海银保监局关于印发《上海市医保专属商业健康保险业务管理办法》的通知"
    clauses = split_clauses(
        DocumentDraft(
            source="x",
            title="上海市医保专属商业健康保险业务管理办法",
            notice_title=notice,
            preamble="沪银保监通〔2020〕3号\n各人身保险公司、各财产保险公司：\n"
            "我局修订了《上海市医保专属商业健康保险业务管理办法》，现予以印发，请遵照执行。\n特此通知。\n2020年1月13日",
            body="第一章 总则\n第一条 为促进医保专属商业健康保险业务健康发展，制定本办法。",
        )
    )
    assert [(c.path, c.text) for c in clauses] == [
        (
            [notice],
            "我局修订了《上海市医保专属商业健康保险业务管理办法》，现予以印发，请遵照执行。",
        ),
        (["第一章 总则"], "第一条 为促进医保专属商业健康保险业务健康发展，制定本办法。"),
    ]
