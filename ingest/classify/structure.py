"""Clauses that are no policy instrument (category 14, 非政策工具), told by their structure.

A text speaks about itself in a small number of fixed ways — why it was made,
what it covers, what its words mean, who interprets it, when it applies or
ends, whom it is sent to — and Chinese legislative drafting writes each of
them in set phrases (docs/labelling_rules.md §3, category 14). Each kind is a
named pattern below with the example that shows it. Position helps: a few
weaker patterns count only where such text lives (the 附则 chapter, the first
articles, a definitions lead-in), never in the body.

A clause is structural when at least one of its sentences is a structural
statement and none of the others acts on anyone (``ACTION``): 本法所称…是指…；
…应当… is a definition *and* a duty, and the duty decides (labelling rules §2).

Pure functions over strings: no model, no Django.
"""

import re
from dataclasses import dataclass

# Words that name the text itself: 本办法, 本条例, 本法, 本规定, 本通知 …
SELF = (
    r"本(?:实施)?(?:办法|条例|法|规定|细则|规则|措施|方案|意见|通知|决定|解释|规范|指引|指南|"
    r"标准|规程|准则|制度|计划|政策|修正案|分类|目录|公告|通告)"
)
NUMERAL = r"[一二三四五六七八九十百零〇两\d]+"
# The numbering a clause may start with: 第五条, 七、, （三）, 3., 12.3.1
LEADING_NUMBER = re.compile(
    rf"^\s*(?:第{NUMERAL}条|{NUMERAL}[、.．]|[（(]{NUMERAL}[)）]|\d+(?:\.\d+)+)\s*"
)
# Sentences of a clause, each judged on its own.
# ASCII ! and ? are left out: <!-- INFO END --> is markup, not a sentence end.
SENTENCE_END = re.compile(r"(?<=[。；;！？])")
# A sentence that acts on someone: a duty, a ban, a grant, a push, a penalty.
# Checked only on sentences no structural pattern explains.
ACTION = re.compile(
    r"应当|应|须|不得|禁止|严禁|给予|奖励|补贴|补助|资助|罚款|处以|追究|吊销|责令|鼓励|支持|"
    r"加快|推进|推动|加强|建立|建设|开展|实施|完善|健全|培育|引导|落实|提供|设立|组织|负责|"
    r"保障|促进|优化|提升|发放|办理|申请|审核|认定|纳入|统筹|开放|共享|合作|培训|宣传"
)


@dataclass(frozen=True)
class Pattern:
    """One way a text speaks about itself; ``where`` limits it to a position."""

    name: str
    label: str  # what the admin and the docs call it
    regex: re.Pattern
    example: str
    where: str = "anywhere"  # or "closing_or_opening": 附则/总则/first articles/definition lead-in


def _p(name, label, pattern, example, where="anywhere"):
    return Pattern(name, label, re.compile(pattern), example, where)


PATTERNS = (
    # 为了规范社会保险关系…，根据宪法，制定本法。/ 为…，结合本市实际，现提出如下意见：
    # 本分类是为贯彻落实…而制定的。
    _p(
        "purpose",
        "制定目的和依据",
        rf"(?:制定|修订|出台|特制定|特制订|制订){SELF}|{SELF}是(?:为|根据)[^。]*(?:制定|制订)的"
        r"|现(?:提出|制定)(?:如下|以下)(?:意见|措施|办法|要求)|现(?:将|就)[^。]{0,80}(?:通知|意见|公告|通告)如下"
        r"|(?:通知|意见|公告|通告|决定)如下[：:]?$|作如下(?:补充)?(?:修改|修正|决定|规定)",
        "第一条为了规范社会保险关系，维护公民…合法权益，根据宪法，制定本法。",
    ),
    # 本办法适用于…；在本市行政区域内开展的…活动，适用本办法；…不适用本解释；参照本办法执行
    _p(
        "scope",
        "适用范围",
        rf"{SELF}(?:[^。]{{0,6}})?适用于|(?<!不)适用{SELF}(?!第)|不适用{SELF}|参照{SELF}(?:的规定)?(?:执行|办理)",
        "第二条在本市行政区域内开展的居家老年人助餐配餐服务和管理活动，适用本办法。",
    ),
    # 香港、澳门、台湾地区医疗器械的注册、备案，参照进口医疗器械办理。(only in 附则)
    _p(
        "scope_by_reference",
        "参照适用",
        r"参照[^。，]{1,30}(?:执行|办理|适用)[。]?$",
        "第一百二十三条香港、澳门、台湾地区医疗器械的注册、备案，参照进口医疗器械办理。",
        where="closing_or_opening",
    ),
    # 本办法所称公共数据，是指…；本规定所称“以上”、“以下”，包括本数；本法下列用语的含义：
    _p(
        "definition",
        "用语含义",
        rf"{SELF}(?:中|里)?(?:所称|所指|称)(?:的)?[^。]{{1,80}}(?:是指|指|包括|为|系指)"
        rf"|{SELF}(?:中)?(?:下列|以下|有关)?(?:用语|术语|名词)(?:的)?(?:含义|定义|解释)"
        r"|下列用语的含义",
        "本办法所称空巢老年人包括不与子女或其他家属共同居住…的老年人。",
    ),
    # （四）匿名化，是指个人信息经过处理无法识别特定自然人且不能复原的过程。(in 附则 or 总则)
    _p(
        "definition_item",
        "用语含义（分项）",
        r"^[^，。；：]{1,24}[，,：:]?(?:是指|系指|指)",
        "（四）匿名化，是指个人信息经过处理无法识别特定自然人且不能复原的过程。",
        where="closing_or_opening",
    ),
    # 法律、行政法规另有规定的，从其规定；本办法未尽事宜，按…执行；与本办法不一致的，以本办法为准
    _p(
        "relation",
        "与其他规定的关系",
        rf"另有规定的?[，,]?(?:从|依照|按照)其规定|从其规定|未尽事宜|以{SELF}为准|{SELF}[^。]{{0,10}}另行制定",
        "法律、行政法规另有规定的，从其规定。",
    ),
    # 市、区人民政府和有关部门应当根据本条例的规定，制定具体政策措施；
    # 认证培训机构的管理办法由国务院认证认可监督管理部门制定；…规定劳动合同制度的实施步骤，报国务院备案
    _p(
        "delegation",
        "授权制定配套规定",
        rf"(?:根据|依据|依照){SELF}(?:的规定)?[^。]{{0,30}}(?:制定|规定|制订)[^。]{{0,12}}"
        r"(?:实施细则|实施办法|具体办法|具体政策措施|实施步骤|具体措施|配套措施|实施方案)"
        r"|(?:管理办法|实施办法|实施细则|具体办法)由[^。]{2,40}(?:另行)?(?:制定|规定)[。]?$",
        "第七十五条市、区人民政府和有关部门应当根据本条例的规定，制定具体政策措施。",
    ),
    # 本办法由国家数据局负责解释；本条例具体应用中的问题，由市科学技术行政部门负责解释
    _p(
        "interpretation",
        "解释",
        rf"由[^。]{{1,40}}负责(?:解释|组织实施)|解释权(?:归|属于)|{SELF}由[^。]{{1,40}}(?:解释|组织实施)",
        "第二十三条本办法由国家数据局负责解释。",
    ),
    # 本法自2011年7月1日起施行；自印发之日起实施，有效期5年；《…办法》同时废止
    _p(
        "force",
        "施行、有效期和废止",
        r"自[^。，；]{1,30}起(?:施行|实施|执行|生效)|(?:有效期|试行期)(?:为|至|延长至)?"
        rf"(?:{NUMERAL}|[^。，；内]{{0,4}}\d)[^。，；]{{0,10}}(?:年|月|日|止)|有效期届满|同时(?:废止|失效)"
        r"|(?:予以|即行|自行)(?:废止|失效)",
        "第九十八条本法自2011年7月1日起施行。",
    ),
    # Legislative header notes (题注): （2001年11月15日…会议通过）; 国务院令第390号公布…
    _p(
        "header_note",
        "题注（通过、公布、修订记录）",
        r"^[（(]?\d{4}年\d{1,2}月\d{1,2}日[^。]{0,400}?(?:会议通过|通过|公布|发布|批准|修正|修订|施行)"
        r"|<!--\s*INFO END\s*-->",
        "（2001年11月15日上海市第十一届人民代表大会常务委员会第三十三次会议通过）",
    ),
    # 各区人民政府，市政府各部门、各直属机构：
    _p(
        "addressee",
        "主送机关",
        r"^(?![^：:]*(?:应当|不得|下列|以下|如下|包括))"
        r"(?:各[^。：:]{1,80}|[^。：:]{2,60}(?:人民政府|委员会|各部门|各单位|有关单位|直属机构))[：:]$",
        "各区人民政府，市政府各部门、各直属机构：",
    ),
    # 现将《…》印发给你们，请认真贯彻执行。
    _p(
        "transmittal",
        "印发、转发",
        r"(?:印发|转发|发)给你们|请(?:认真|结合实际)?(?:遵照|贯彻|抓好)?(?:执行|落实|遵照执行)[。]?$",
        "现将《广州市…办法》印发给你们，请认真贯彻执行。",
    ),
    # 广州市人民政府办公厅秘书处2022年9月13日印发
    _p(
        "signature",
        "落款、印发日期",
        r"^[^。，；]{0,60}(?:\d{4}|[〇零一二三四五六七八九]{4})年\d{1,2}月\d{1,2}日(?:印发|发布|公布)?[）)]?$",
        "广州市人民政府办公厅秘书处2022年9月13日印发",
    ),
    # Page furniture around a web or Word original.
    _p(
        "furniture",
        "页面信息（来源、附件、联系方式）",
        r"^(?:（?来源|信息来源|发布时间|发布日期|成文日期|公开方式|版权所有|政策解读|附件|索引号|主题分类|"
        r"联系人|联系电话|联系方式|抄送|打印|关闭|扫一扫)[：:]|MERGEFIELD|^[^。]{0,40}联系人[^。]{0,80}联系电话",
        "公开方式：主动公开",
    ),
    # 随着新一轮科技革命…；建立…价格形成机制，是…的重要举措
    _p(
        "background",
        "背景和意义",
        r"^(?:随着|当前[，,]|近年来[，,]|当今世界)"
        r"|^[^。]{2,80}[，,]是[^。]{0,80}(?:重要举措|重要内容|重要支撑|重要基础|重要保障|基础性制度|"
        r"关键要素|必然要求|重要引擎|重要组成部分|战略选择|内在要求)[。]?$",
        "建立公共数据资源授权运营价格形成机制，是全面贯彻落实…决策部署的重要举措。",
    ),
    # A heading or lead-in naming no instrument: 附则; （三）保障措施; 采取下列措施：
    _p(
        "bare_heading",
        "无政策工具的标题",
        r"^(?:第[一二三四五六七八九十]+[章节编])?\s*(?:总则|附则|其他|其他事项|其他事宜|保障措施|重点任务|"
        r"主要任务|附件)[。]?$",
        "第七章 附则",
    ),
)
# A glossary entry, a term and its meaning as two sentences, judged on the
# whole clause: 12.隐私计算。一种可信管控技术，允许在不泄露原始数据的前提下…
GLOSSARY_ENTRY = re.compile(r"^[^，。；：、]{2,12}。(?:一种|是指|系指|指)")
BY_NAME = {pattern.name: pattern for pattern in PATTERNS}

# Where the weaker patterns count: the closing chapter, the general provisions,
# the first three articles, a definitions lead-in above the clause.
OPENING_OR_CLOSING_PATH = re.compile(r"附则|总则|含义|用语|术语|定义|名词解释")
FIRST_ARTICLES = re.compile(r"^\s*第[一二三]条")


def body(text: str) -> str:
    """The clause without the number it starts with (第二十三条本办法… → 本办法…)."""
    return LEADING_NUMBER.sub("", text.strip(), count=1)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def positioned(text: str, path: str = "") -> bool:
    """Whether the clause stands where structure lives: under 附则 or 总则 or a
    definitions heading, or as one of the first three articles."""
    return bool(OPENING_OR_CLOSING_PATH.search(path or "")) or bool(
        FIRST_ARTICLES.match(text or "")
    )


def structural_pattern(text: str, path: str = "") -> str | None:
    """The name of the pattern that makes ``text`` structural, or None.

    ``path`` is the clause's heading path as one string (第七章附则 / 第七十三条).
    Every sentence is judged: one must match a pattern (the weaker ones only
    in an opening or closing position) and none of the others may act on
    anyone (``ACTION``)."""
    text = (text or "").strip()
    if not text:
        return None
    at_edge = positioned(text, path)
    if GLOSSARY_ENTRY.search(body(text)):
        return "glossary_entry"
    found = None
    for sentence in sentences(body(text)) or [body(text)]:
        match = _match(sentence, at_edge)
        if match is not None:
            found = found or match
        elif ACTION.search(sentence):
            return None
    return found


def _match(sentence: str, positioned: bool) -> str | None:
    for pattern in PATTERNS:
        if pattern.where != "anywhere" and not positioned:
            continue
        if pattern.regex.search(sentence):
            return pattern.name
    return None
