"""Metadata of a document: title, issuers, 文号, region, dates, type and status.

Every function reads plain text and returns what it is sure of; what it
cannot tell stays None (a draft's date is unknown, not guessed).
"""

import datetime as dt
import re

from policybase.search.analyzer import fold

from ..drafts import DocumentDraft
from . import dates
from .doc_numbers import find_doc_number
from .issuers import canonical_issuers, placed_issuers
from .regions import detect_region, is_national_issuer

# 关于印发《“数据要素×”三年行动计划（2024—2026年）》的通知: the notice publishes
# X; official titles mostly print it without 《》 (关于印发X的通知), then only a
# verb of publishing says so (关于公布…名单的通知 publishes a list, no policy).
PUBLISHING_NOTICE = re.compile(
    r"关于(?:印发|发布|公布|转发|修订)?《(?P<title>.+)》的(?:通知|公告|决定|批复)"
    r"|关于(?:印发|发布|转发)(?P<bare>[^《》]+)的(?:通知|公告|决定)$"
)
# 杭州市人民政府办公厅关于加快推进…: the issuer stands before 关于.
ISSUER_PREFIX = re.compile(r"^(?P<issuer>[^《》，。]{2,40}?)(?:关于|關於|关於|關于)")
# Document types, longest first so that 实施意见 is read as 意见 only after 实施细则 etc. are tried.
DOC_TYPES = (
    "条例",
    "办法",
    "规定",
    "细则",
    "意见",
    "方案",
    "计划",
    "通知",
    "指引",
    "措施",
    "规划",
    "决定",
    "纲要",
    "要点",
    "清单",
    "指南",
    "规则",
    "标准",
    "规范",
    "公告",
    "通告",
    "批复",
    "宣言",
    "解读",
    "守则",
    "制度",
    "目录",
)
STATUS_WORDS = ("征求意见稿", "草案", "试行", "暂行", "修订")
# Trailing status brackets: （试行）（征求意见稿）
TRAILING_BRACKETS = re.compile(r"(?:\s*[（(][^（）()]{1,12}[）)])+\s*$")
# 本规定由国家互联网信息办公室会同…负责解释: who answers for a text without a signature.
INTERPRETER = re.compile(
    r"本(?:规定|办法|条例|细则|意见|方案|措施|指引)由(?P<issuer>[\u4e00-\u9fff、]{2,80}?)(?:会同|负责|商)"
)
# Only national bodies write to every province: "各省、自治区、直辖市…", "国务院各部委、各直属机构".
NATIONAL_ADDRESSEES = re.compile(r"各省、自治区、直辖市|国务院各部委")
NATIONAL_ADDRESSEES_REACH = 400
# 中共中央 国务院关于…, 中共浙江省委办公厅 浙江省人民政府办公厅关于…: the party
# committee and the government issue jointly; the space the title prints
# between them goes with the PDF's other spaces inside Chinese text.
PARTY_AND_GOVERNMENT = re.compile(
    r"^(?P<party>中共中央(?:办公厅)?|中共[\u4e00-\u9fff]{2,12}?委(?:办公厅|办公室)?)\s*"
    r"(?P<government>国务院(?:办公厅)?|[\u4e00-\u9fff]{2,12}?人民政府(?:办公厅|办公室)?)$"
)
# A short organisation name, as signatures print it: 国家数据局, 中央网信办, 杭州市人民政府办公厅
ORGANISATION_NAME = (
    r"[\u4e00-\u9fff（）()]{2,30}?(?:局|部|委|办|厅|院|行|会|府|室|中心|署|委员会|政府)"
)
# 中共中央 signs without the suffix every other organisation has.
ORGANISATION = re.compile(rf"^(?:中共中央|{ORGANISATION_NAME})$")
# The labelled fields of a government web page (gov.cn's table of 索引号, 发文机关,
# 成文日期, 发文字号, 发布日期) and what they give. A site's posting time
# (发布时间：2024-03-18 10:32) is not among them: it dates the page, not the policy.
PAGE_FIELDS = {
    "发文机关": "issuer",
    "发文单位": "issuer",
    "发布机构": "issuer",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "成文日期": "written",
    "发布日期": "published",
}
# 发文机关 "国家数据局 中央网信办 国家发展改革委": several issuers in one field.
ISSUER_LIST = re.compile(r"[\s、，,;；]+")
# 上海市浦东新区人民政府　2024年6月20日: issuer and date on one signature line.
SIGNED_LINE = re.compile(rf"^(?P<issuer>{ORGANISATION_NAME})\s*(?:{dates.DATE.pattern})\s*$")


def doc_type_of(title: str) -> str | None:
    core = TRAILING_BRACKETS.sub("", fold(title))
    best, best_end = None, -1
    for doc_type in DOC_TYPES:
        end = core.rfind(doc_type)
        if end != -1 and end + len(doc_type) > best_end:
            best, best_end = doc_type, end + len(doc_type)
    return best


def status_of(title: str) -> list[str]:
    folded = fold(title)
    found = [(folded.find(word), word) for word in STATUS_WORDS if word in folded]
    return [word for _, word in sorted(found)]


def published_title(title: str) -> str:
    """The X of 关于印发《X》的通知, otherwise the title itself."""
    match = PUBLISHING_NOTICE.search(fold(title))
    if not match:
        return title.strip()
    # Cut from the original so the source's script survives folding.
    part = "title" if match["title"] else "bare"
    return title[match.start(part) : match.end(part)].strip()


def issuers_from_title(title: str) -> list[str]:
    """The issuers a title names before 关于: one, or a party committee and a
    government issuing jointly (中共中央 国务院关于…)."""
    match = ISSUER_PREFIX.match(title.strip())
    if not match:
        return []
    issuer = match.group("issuer").strip()
    if joint := PARTY_AND_GOVERNMENT.match(fold(issuer)):
        # fold keeps one character for one, so the spans cut the original.
        return [issuer[joint.start(part) : joint.end(part)] for part in ("party", "government")]
    return [issuer]


def signature(lines: list[str]) -> tuple[list[str], dt.date | None]:
    """Signatories and date of the first signature: the organisations listed
    above a line that is only a date, or one organisation and the date on one
    line (folded, so 廳 reads as 厅)."""
    for index, line in enumerate(lines):
        if signed := SIGNED_LINE.match(fold(line)):
            return [line[: signed.end("issuer")].strip()], dates.parse_date(line)
        if dates.DATE_LINE.match(line):
            return [lines[i] for i in signatory_lines(lines, index)], dates.parse_date(line)
    return [], None


def signatory_lines(lines: list[str], date_index: int) -> range:
    """The organisation names right above the date line at ``date_index``
    (at most 40: a joint notice of many bodies), one per line."""
    start = date_index
    while start > max(0, date_index - 40) and ORGANISATION.match(fold(lines[start - 1].strip())):
        start -= 1
    return range(start, date_index)


def extract_metadata(
    draft: DocumentDraft, context: str = "", fields: dict[str, str] | None = None
) -> DocumentDraft:
    """Fill what the title and body say; keep what the splitter already knew.
    A web page's labelled ``fields`` fill only what the text does not say, so
    a policy gets the same metadata from its page as from its PDF."""
    fields = fields or {}
    raw_title = draft.title
    preamble = draft.preamble.split("\n") if draft.preamble else []
    lines = preamble + draft.body.split("\n")

    draft.title = published_title(raw_title)
    draft.doc_type = draft.doc_type or doc_type_of(draft.title)
    draft.status = draft.status or status_of(draft.title)
    draft.doc_number = (
        draft.doc_number
        or find_doc_number(lines[: len(preamble) + 12])
        or find_doc_number([fields.get("doc_number", "")])
    )
    signatories, signed_on = signature(lines)
    if not draft.issuers:
        draft.issuers = signatories
    if not draft.issuers:
        named = ISSUER_LIST.split(fields.get("issuer", "").strip())
        draft.issuers = [name for name in named if ORGANISATION.match(fold(name))]
    if not draft.issuers:
        draft.issuers = issuers_from_title(raw_title)
    if not draft.issuers and (interpreter := INTERPRETER.search(draft.body)):
        draft.issuers = interpreter.group("issuer").split("、")
    # A newsletter's （来源：北京市人民政府） names the issuer when it is an organisation.
    if not draft.issuers and ORGANISATION.match(fold(draft.filed_under.strip())):
        draft.issuers = [draft.filed_under.strip()]
    draft.issuers = canonical_issuers(draft.issuers)
    draft.publish_date = (
        draft.publish_date
        or signed_on
        or dates.parse_date(fields.get("written", ""))
        or dates.parse_date(fields.get("published", ""))
    )
    draft.effective_date = draft.effective_date or dates.effective_date(draft.body)
    draft.expiry_date = draft.expiry_date or dates.expiry_date(draft.body)
    if draft.region.level is None:
        primary = " ".join([*draft.issuers, draft.title])
        # Division names are simplified: 內蒙古自治區 is found as 内蒙古自治区.
        draft.region = detect_region(fold(primary), fold(context))
        if draft.region.level is None and (
            any(map(is_national_issuer, draft.issuers))
            or NATIONAL_ADDRESSEES.search(draft.preamble + draft.body[:NATIONAL_ADDRESSEES_REACH])
        ):
            draft.region.level = "national"
    draft.issuers = placed_issuers(draft.issuers, draft.region)
    return draft
