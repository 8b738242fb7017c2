"""ingest/classify/structure.py: clauses that are no policy instrument, told by
their structure. Real wording from the corpus and the sample files."""

import pytest

from ingest.classify.structure import PATTERNS, positioned, structural_pattern

# Where the weaker patterns are allowed: the closing chapter of a law.
CLOSING = "第七章 附则"


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_every_pattern_recognises_its_own_example(pattern):
    path = CLOSING if pattern.where != "anywhere" else ""
    assert structural_pattern(pattern.example, path) == pattern.name


@pytest.mark.parametrize(
    ("text", "path", "kind"),
    [
        (
            "第一条为了规范社会保险关系，维护公民参加社会保险和享受社会保险待遇的合法权益，根据宪法，制定本法。",
            "第一章总则",
            "purpose",
        ),
        (
            "为贯彻落实党中央、国务院关于发展数字经济的决策部署，发挥数字人才支撑数字经济的基础性作用，制定本行动方案。",
            "",
            "purpose",
        ),
        # Traditional characters read as simplified (the 004 sample is traditional).
        (
            "爲深入貫徹黨的二十大和中央經濟工作會議精神，充分發揮數據要素乘數效應，特制定本行動計劃。",
            "",
            "purpose",
        ),
        # Background before a purpose is part of the preamble.
        (
            "数据作为新型生产要素，是数字化、网络化、智能化的基础，已快速融入生产、分配、流通等各环节。为贯彻落实党中央、国务院决策部署，加快提升工业领域数据安全保护能力，制定本方案。",
            "",
            "purpose",
        ),
        (
            "为了惩治侮辱国歌的犯罪行为，现就办理这类刑事案件适用法律的若干问题解释如下：",
            "",
            "purpose",
        ),
        # A scope that opens a list carries its kind to the items.
        (
            "第二条在中华人民共和国境内依法设立的会计师事务所开展下列审计业务相关数据处理活动的，适用本办法：（一）为上市公司提供审计服务的；（二）为关键信息基础设施运营者提供审计服务的。",
            "第一章总则",
            "scope",
        ),
        (
            "第二条本细则适用于对中华人民共和国境内工业和信息化领域重要数据和核心数据处理者数据处理活动开展的数据安全风险评估。",
            "",
            "scope",
        ),
        (
            "第三条本办法所称公共数据，是指各级行政机关在依法履行公共管理和服务职责过程中收集和产生的各类数据。",
            "",
            "definition",
        ),
        (
            "（三）网络运营者，是指网络的所有者、管理者和网络服务提供者。",
            "第七章附则 第七十六条",
            "definition_item",
        ),
        ("法律、行政法规和国家另有规定的，从其规定。", "", "relation"),
        ("第五十三条市人民政府可以根据本条例有关规定制定实施办法。", CLOSING, "delegation"),
        (
            "第三十一条本办法自发布之日起施行，由市大数据主管部门负责解释。",
            CLOSING,
            "interpretation",
        ),
        ("第四十一条本指引自发布之日起试行，试行期三年。", CLOSING, "force"),
        (
            "第三十八条本办法自2024年4月1日起实施，有效期5年。本办法实行前按照原标准执行。",
            CLOSING,
            "force",
        ),
        (
            "2021年8月26日国家市场监督管理总局令第47号公布2021年10月1日施行<!-- INFO END -->",
            "",
            "header_note",
        ),
        (
            "各有关单位、各区财政局：现将财政部关于加强数据资产管理的指导意见转发给你们，请遵照执行。",
            "",
            "addressee",
        ),
        ("来源：国家数据局发布时间：2024-10-19", "", "furniture"),
        (
            "12.隐私计算。一种可信管控技术，允许在不泄露原始数据的前提下进行数据的分析和计算。",
            "",
            "glossary_entry",
        ),
    ],
)
def test_structural_clauses(text, path, kind):
    assert structural_pattern(text, path) == kind


@pytest.mark.parametrize(
    ("text", "path"),
    [
        # A definition that also imposes a duty is the duty's (labelling rules §2).
        (
            "本办法所称数据处理者，是指在数据处理活动中自主决定处理目的、处理方式的个人和组织；数据处理者应当建立数据安全管理制度。",
            "第一章总则",
        ),
        # Entry into force with a subsidy rule beside it: the subsidy decides.
        (
            "本意见自2023年8月25日起施行，有效期至2026年12月31日。本意见补助（奖励）资金由市和各区、县（市）按财政体制共同承担。",
            "",
        ),
        # 有效期 of an assessment result is a rule, not the text's validity.
        (
            "第九条通过数据出境安全评估的结果有效期为3年，自评估结果出具之日起计算。有效期届满，数据处理者可以在有效期届满前60个工作日内申请延长。",
            "",
        ),
        # A date at the start is no header note.
        ("第二条2011年4月30日以前犯罪，判处死刑缓期执行的，适用修正前刑法第五十条的规定。", ""),
        # 指导 is no definition (…。指导企业…).
        (
            "2.开展重要数据安全保护。指导企业建立健全数据分类分级保护等安全管理制度，定期梳理识别重要数据和核心数据。",
            "二、重点任务",
        ),
        # Earmarked money with a delegation at the end of the same sentence.
        (
            "第三十六条城市园林绿化补偿费应当专项用于城市园林绿化建设，其收费标准及管理办法由市人民政府制定。",
            "第三章保护与管理",
        ),
        # Interpreting a standard in the body is supervision, not the text's own interpretation.
        (
            "地方标准实施中需要解释的，由市标准化行政主管部门会同有关行政管理部门负责解释。",
            "第三章标准的实施",
        ),
        # A list lead-in with duties is no addressee line.
        (
            "商业银行等金融机构应当按照向社会公开的服务标准、资费标准和办理时限开展融资服务，并接受社会监督，不得实施下列行为：",
            "第二章市场环境",
        ),
        # A transition that keeps a duty is the duty's.
        (
            "本法施行前按照当时有关规定，用人单位应当向劳动者支付经济补偿的，按照当时有关规定执行。",
            "第八章附则",
        ),
        # Background alone, without a purpose, may be a rule: no guess.
        ("企业是数据安全的责任主体。", ""),
        ("第一条对新落户本区的国家高新技术企业，每家给予50万元落户奖励。", ""),
        ("", ""),
    ],
)
def test_instruments_and_mixed_clauses_are_not_structural(text, path):
    assert structural_pattern(text, path) is None


def test_the_weaker_patterns_count_only_where_structure_lives():
    item = "（五）生产绿地，是指为城乡绿化美化生产、培育、引种试验各类苗木的圃地。"
    assert structural_pattern(item, "第五章附则 第五十七条") == "definition_item"
    assert structural_pattern(item, "第三章 建设管理") is None
    assert positioned("第二条科技档案是指…", "")
    assert positioned("…", "第一章总则") and not positioned("…", "第三章 法律责任")
