"""Clauses that are no policy instrument (category 14, 非政策工具), told by their structure.

A text speaks about itself in a small number of fixed ways — why it was made,
what it covers, what its words mean, who interprets it, when it applies or
ends, whom it is sent to — and Chinese legislative drafting writes each of
them in set phrases (docs/labelling_rules.md §3, category 14). Each kind is a
named pattern below with the example that shows it. Position helps: a few
weaker patterns count only where such text lives (the 附则 chapter, the first
articles, a definitions lead-in), never in the body.

A clause is structural when every one of its sentences is a structural
statement: 本法所称…是指…；…应当… is a definition *and* a duty, and the duty
decides (labelling rules §2). A sentence the patterns do not explain may act
on someone in words no list foresees, so it is never taken for structure.

Pure functions over strings: no model, no Django.
"""

import functools
import re
from dataclasses import dataclass

from opencc import OpenCC

# Words that name the text itself: 本办法, 本条例, 本法, 本规定, 本行动计划,
# 本实施方案 … — not 本市…办法, which names another text.
SELF = (
    r"本(?!市|省|区|县|地区|单位|部门|行业|机关|系统|级)[一-龥]{0,4}?"
    r"(?:办法|条例|法|规定|细则|规则|措施|方案|意见|通知|决定|解释|规范|指引|指南|"
    r"标准|规程|准则|制度|计划|政策|修正案|分类|目录|公告|通告)"
)
NUMERAL = r"[一二三四五六七八九十百零〇两\d]+"
# "means" in a definition: 是指, 系指, 指 — but not 指导, 指引, 指定… (开展…保护。指导企业…)
MEANS = r"(?:是指|系指|指(?![导引出定挥示标南令]))"
# The numbering a clause may start with: 第五条, 七、, （三）, 3., 12.3.1
LEADING_NUMBER = re.compile(
    rf"^\s*(?:第{NUMERAL}条|{NUMERAL}[、.．]|[（(]{NUMERAL}[)）]|\d+(?:\.\d+)+)\s*"
)
# Sentences of a clause, each judged on its own.
# ASCII ! and ? are left out: <!-- INFO END --> is markup, not a sentence end.
SENTENCE_END = re.compile(r"(?<=[。；;！？])")


# Whom a notice is sent to: 各区人民政府，市政府各部门：; …各直属机构，有关中央管理企业：
ADDRESSEES = (
    r"^(?![^：:]*(?:应当|不得|下列|以下|如下|包括))"
    r"(?:各[^。：:，]{1,40}|[^。：:]{2,240}(?:人民政府|委员会|各部门|各单位|有关单位|直属机构|"
    r"[厅局委办][）)]?|有关企业|管理企业))[：:]"
)


@dataclass(frozen=True)
class Pattern:
    """One way a text speaks about itself; ``where`` limits it to a position."""

    name: str
    label: str  # what docs/classification.md calls it
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
        r"|现(?:提出|制定)(?:如下|以下)(?:意见|措施|办法|要求)"
        r"|(?:通知|意见|公告|通告|决定|解释|规定)如下[：:]|作如下(?:补充)?(?:修改|修正|决定|规定)",
        "第一条为了规范社会保险关系，维护公民…合法权益，根据宪法，制定本法。",
    ),
    # 本办法适用于…；在本市行政区域内开展的…活动，适用本办法；…不适用本解释；参照本办法执行
    _p(
        "scope",
        "适用范围",
        rf"{SELF}(?:[^。]{{0,20}})?适用于|(?<!不)适用{SELF}(?!第)|不适用{SELF}|参照{SELF}(?:的|有关)?规定"
        rf"|参照{SELF}(?:执行|办理)|(?:依照|按照){SELF}(?:的规定)?(?:办理|执行)[。]?$|属(?:于)?{SELF}(?:的)?(?:管理|调整)?范围",
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
        rf"^[^，。；：]{{1,24}}[，,：:]?{MEANS}",
        "（四）匿名化，是指个人信息经过处理无法识别特定自然人且不能复原的过程。",
        where="closing_or_opening",
    ),
    # 法律、行政法规另有规定的，从其规定；本办法未尽事宜，按…执行；与本办法不一致的，以本办法为准
    _p(
        "relation",
        "与其他规定的关系",
        rf"另有规定的?[，,]?(?:从|依照|按照)其规定|从其规定|未尽事宜|以{SELF}为准|{SELF}[^。]{{0,10}}另行制定"
        rf"|{SELF}未(?:作|做)?规定的|(?:另有|有)特别规定的[，,]?(?:按照|依照|从)",
        "法律、行政法规另有规定的，从其规定。",
    ),
    # 市、区人民政府和有关部门应当根据本条例的规定，制定具体政策措施；
    # 认证培训机构的管理办法由国务院认证认可监督管理部门制定；…规定劳动合同制度的实施步骤，报国务院备案
    _p(
        "delegation",
        "授权制定配套规定",
        rf"(?:根据|依据|依照|参照){SELF}(?:的规定|有关规定|的精神)?[^。]{{0,40}}(?:制定|制订|规定)"
        r"[^。]{0,30}(?:细则|办法|规定|措施|步骤|方案)"
        r"|^[^。，]{0,40}(?:管理办法|实施办法|实施细则|具体办法)[，,]?由[^。]{2,40}(?:另行)?(?:制定|规定)[。]?$",
        "第七十五条市、区人民政府和有关部门应当根据本条例的规定，制定具体政策措施。",
    ),
    # 本办法由国家数据局负责解释；本条例具体应用中的问题，由市科学技术行政部门负责解释
    _p(
        "interpretation",
        "解释",
        rf"{SELF}[^。]{{0,20}}由[^。]{{1,40}}(?:解释|组织实施)|{SELF}的?解释权(?:归|属于)",
        "第二十三条本办法由国家数据局负责解释。",
    ),
    # In 附则: 军事网络的安全保护，由中央军事委员会另行规定；…负责解释；…依照国家有关规定执行
    _p(
        "closing_reference",
        "另行规定、解释、依照执行（附则）",
        r"由[^。]{1,40}负责(?:解释|组织实施)|解释权(?:归|属于)|由[^。]{2,40}另行(?:规定|制定)[。]?$"
        r"|^(?![^。]*应当)[^。]{0,60}(?:依照|按照|参照)[^。]{0,40}(?:有关规定|的规定)(?:执行|办理)[。]?$",
        "第七十八条军事网络的安全保护，由中央军事委员会另行规定。",
        where="closing_or_opening",
    ),
    # 本法自2011年7月1日起施行；自印发之日起实施，有效期5年；《…办法》同时废止
    _p(
        "force",
        "施行、有效期和废止",
        # 有效期 of the text itself, not of a licence or an assessment result
        # (通过安全评估的结果有效期为3年 is a rule).
        r"自[^。，；]{1,30}起(?:施行|实施|执行|生效)|(?:施行|实施|试行)[，,]?(?:有效期|试行期)"
        rf"|{SELF}(?:的)?(?:有效期|试行期)|同时(?:废止|失效)"
        r"|(?:予以|即行|自行)(?:废止|失效)|作相应(?:的)?修改(?:后)?[，,]?重新公布"
        # …本办法实行前按照原标准执行 (a transition that sets no duty of its own)
        r"|(?:施行|实施|实行)(?:前|以前)(?![^。]*应当)[^。]{0,40}(?:按照|依照|按)[^。]{0,30}(?:执行|处理)",
        "第九十八条本法自2011年7月1日起施行。",
    ),
    # Legislative header notes (题注): （2001年11月15日…会议通过）; 国务院令第390号公布…
    _p(
        "header_note",
        "题注（通过、公布、修订记录）",
        r"^[（(]?\d{4}年\d{1,2}月\d{1,2}日[^。，；]{0,60}?(?:会议|令第|公告|批准|发布|公布|通过)"
        r"|<!--\s*INFO END\s*-->",
        "（2001年11月15日上海市第十一届人民代表大会常务委员会第三十三次会议通过）",
    ),
    # 各区人民政府，市政府各部门、各直属机构：
    _p(
        "addressee",
        "主送机关",
        ADDRESSEES + "$",
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
        r"联系人|联系电话|联系方式|抄送|打印|关闭|扫一扫)[：:]|MERGEFIELD|^[^。]{0,40}联系人[^。]{0,80}联系电话"
        r"|ICP备|网站标识码|(?:浏览)?字号[：:]?\s*大\s*中\s*小$",
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
        r"主要任务|附件)$"
        r"|^[^。，；：]{0,40}关于[^。；：]{2,80}的(?:解释|规定|办法|决定|通知|意见|方案|批复|公告)$",
        "第七章 附则",
    ),
)
# A glossary entry, a term and its meaning as two sentences, judged on the
# whole clause: 12.隐私计算。一种可信管控技术，允许在不泄露原始数据的前提下…
GLOSSARY_ENTRY = re.compile(rf"^[^，。；：、]{{2,12}}。(?:一种|{MEANS})")
BY_NAME = {pattern.name: pattern for pattern in PATTERNS}

# Where the weaker patterns count: the closing chapter, the general provisions,
# the first three articles, a definitions lead-in above the clause.
OPENING_OR_CLOSING_PATH = re.compile(r"附则|总则|含义|用语|术语|定义|名词解释")
FIRST_ARTICLES = re.compile(r"^\s*第[一二三]条")


# The addressees a notice opens with, before its first sentence:
# 各有关单位、各区财政局：现将…
ADDRESSEE_HEAD = re.compile(ADDRESSEES)
# Background that only stands before a purpose (…是推动高质量发展的必然要求。
# 为深入贯彻…，特制定本行动计划。): a statement whose verb is 是, which in
# the body could as well be a rule (企业是数据安全的责任主体).
PREAMBLE_BACKGROUND = re.compile(r"^[^。；]{2,160}是[^。；]{2,200}[。；]?$")
# An item of a list: （一）, (二), 1., 2、
ITEM = re.compile(rf"^\s*(?:[（(]{NUMERAL}[)）]|\d+[.．、])")
# The CJK block, for a character table of traditional → simplified.
CJK = range(0x4E00, 0xA000)


@functools.lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Traditional characters as simplified ones, one for one, so that
    本行動計劃 reads 本行动计划. A table built once (a third of a second) and
    applied with ``str.translate``: OpenCC per clause cost more than all the
    patterns together (6,800 clauses/s on one core)."""
    chars = "".join(map(chr, CJK))
    simplified = OpenCC("t2s").convert(chars)
    if len(simplified) != len(chars):  # a phrase rule changed a length: use none
        return {}
    return {ord(a): b for a, b in zip(chars, simplified, strict=True) if a != b}


def simplified(text: str) -> str:
    return text.translate(_t2s_table())


def body(text: str) -> str:
    """The clause without the number it starts with (第二十三条本办法… → 本办法…)."""
    return LEADING_NUMBER.sub("", text.strip(), count=1)


def sentences(text: str) -> list[str]:
    """The clause's sentences; the addressees a notice opens with are one."""
    head = ADDRESSEE_HEAD.match(text)
    first = [head.group(0)] if head else []
    rest = text[head.end() :] if head else text
    return first + [s.strip() for s in SENTENCE_END.split(rest) if s.strip()]


def positioned(text: str, path: str = "") -> bool:
    """Whether the clause stands where structure lives: under 附则 or 总则 or a
    definitions heading, or as one of the first three articles."""
    return bool(OPENING_OR_CLOSING_PATH.search(path or "")) or bool(
        FIRST_ARTICLES.match(text or "")
    )


def structural_pattern(text: str, path: str = "") -> str | None:
    """The name of the pattern that makes ``text`` structural, or None.

    ``path`` is the clause's heading path as one string (第七章附则 / 第七十三条).
    Every sentence must match a pattern (the weaker ones only in an opening
    or closing position); the first match names the clause's."""
    text = simplified((text or "").strip())
    if not text:
        return None
    at_edge = positioned(text, path)
    if GLOSSARY_ENTRY.search(body(text)):
        return "glossary_entry"
    found, background, previous = None, False, None
    for sentence in sentences(body(text)) or [body(text)]:
        match = _match(sentence, at_edge)
        if match is None and previous and ITEM.match(sentence):
            match = previous  # an item of the list a scope or definition opens: （一）…
        if match is None and PREAMBLE_BACKGROUND.match(sentence):
            background = True
            continue
        if match is None:
            return None
        found = found or match
        # A list lead-in (适用本办法：（一）…) carries its kind to the items after it.
        previous = match if ("：" in sentence or ":" in sentence or previous == match) else None
    if background and found != "purpose":
        return None
    return found


def _match(sentence: str, positioned: bool) -> str | None:
    for pattern in PATTERNS:
        if pattern.where != "anywhere" and not positioned:
            continue
        if pattern.regex.search(sentence):
            return pattern.name
    return None
