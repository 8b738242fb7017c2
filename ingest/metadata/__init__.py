"""Metadata of a document: title, issuers, 文号, region, dates, type and status.

Every function reads plain text and returns what it is sure of; what it
cannot tell stays None (a draft's date is unknown, not guessed).
"""

import datetime as dt
import re

from policybase.text.doc_numbers import find_doc_number
from policybase.text.doc_types import doc_type_of, status_of
from policybase.text.fold import fold
from policybase.text.issuers import canonical_issuers
from policybase.text.regions import full_names, is_national_issuer

from ..drafts import DocumentDraft, RegionRef
from . import dates, legislation
from .issuers import placed_issuers
from .regions import detect_region, is_local_issuer

# 关于印发《“数据要素×”三年行动计划（2024—2026年）》的通知: the notice publishes
# X; official titles mostly print it without 《》 (关于印发X的通知), then only a
# verb of publishing says so (关于公布…名单的通知 publishes a list, no policy).
PUBLISHING_NOTICE = re.compile(
    r"关于(?:印发|发布|公布|转发|修订)?《(?P<title>.+)》的(?:通知|公告|决定|批复)"
    r"|关于(?:印发|发布|转发)(?P<bare>[^《》]+)的(?:通知|公告|决定)$"
)
# 杭州市人民政府办公厅关于加快推进…: the issuer stands before 关于.
ISSUER_PREFIX = re.compile(r"^(?P<issuer>[^《》，。]{2,40}?)(?:关于|關於|关於|關于)")
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
    "发布机关": "issuer",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "成文日期": "written",
    "发布日期": "published",
    "实施日期": "effective",
    "施行日期": "effective",
    "失效日期": "expiry",
    "标题": "title",
    "名称": "title",
}
# 发文机关 "国家数据局 中央网信办 国家发展改革委": several issuers in one field.
ISSUER_LIST = re.compile(r"[\s、，,;；]+")
# 上海市浦东新区人民政府　2024年6月20日: issuers and date on one signature line.
SIGNED_LINE = re.compile(
    rf"^(?P<issuer>(?:{ORGANISATION_NAME}[\s\u3000]*)+?)\s*(?:{dates.DATE.pattern})\s*$"
)
# Where run-together signatories part: after an organ's suffix, where a
# division's full name (regions.full_names) starts the next body.
ORGAN_END = "局部委办厅院行会府室署心"


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
    above a line that is only a date, or the organisations and the date on one
    line (folded, so 廳 reads as 厅)."""
    for index, line in enumerate(lines):
        if signed := SIGNED_LINE.match(fold(line)):
            return organisations(line[: signed.end("issuer")]), dates.parse_date(line)
        if dates.DATE_LINE.match(line):
            signatories = [
                name for i in signatory_lines(lines, index) for name in organisations(lines[i])
            ]
            return signatories, dates.parse_date(line)
    return [], None


def organisations(text: str) -> list[str]:
    """The bodies a signature line names, however they are run together:
    广州市民政局广州市财政局 → 广州市民政局, 广州市财政局. A body's name starts
    again after an organ's suffix where a province, city or district is named
    in full (江苏 alone stays: 中国银保监会江苏监管局 is one office)."""
    names = []
    for part in re.split(r"[\s\u3000、，,]+", text.strip()):
        start = 0
        for match in full_names().finditer(part):
            if match.start() > start + 1 and part[match.start() - 1] in ORGAN_END:
                names.append(part[start : match.start()])
                start = match.start()
        names.append(part[start:])
    return [name for name in names if name]


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
    # The notice publishing it names its issuers (XX关于印发…的通知).
    raw_title = draft.notice_title or draft.title
    preamble = draft.preamble.split("\n") if draft.preamble else []
    lines = preamble + draft.body.split("\n")
    events = legislation.parse_events(draft.header_note) if draft.header_note else []
    draft.legislative_history = [event.as_dict() for event in events]

    draft.title = published_title(draft.title)
    draft.doc_type = draft.doc_type or doc_type_of(draft.title)
    draft.status = list(dict.fromkeys(status_of(draft.title) + draft.status))
    order = legislation.promulgating_order(preamble)
    draft.doc_number = (
        draft.doc_number
        or legislation.order_number(events)
        or (order and order.number)
        or find_doc_number(lines[: len(preamble) + 12])
        or find_doc_number([fields.get("doc_number", "")])
    )
    signatories, signed_on = signature(lines)
    draft.issuers = issuers_of(draft, events, order, signatories, fields, raw_title)
    draft.issuers = canonical_issuers(draft.issuers)
    draft.publish_date = (
        draft.publish_date
        or legislation.publish_date(events)
        or signed_on
        or dates.parse_date(fields.get("written", ""))
        or dates.parse_date(fields.get("published", ""))
        or dates.parse_date(fields.get("posted", ""))
    )
    issued_on = signed_on or dates.parse_date(fields.get("written", ""))
    draft.effective_date = draft.effective_date or effective_date(draft, events, fields, issued_on)
    draft.expiry_date = (
        draft.expiry_date
        or dates.expiry_date(draft.body)
        or dates.expiry_after(draft.body, draft.effective_date or draft.publish_date)
        or dates.parse_date(fields.get("expiry", ""))
    )
    if draft.region.level is None:
        draft.region = region_of(draft, context)
    draft.issuers = placed_issuers(draft.issuers, draft.region)
    draft.warnings += missing(draft)
    return draft


def issuers_of(draft, events, order, signatories, fields, raw_title) -> list[str]:
    """Who issued the document, from the most telling source that names
    anyone: what the splitter knew, a law's header note, the order above a
    regulation, the signature, the page's 发文机关, the title (XX关于…), the
    body's 由…负责解释, a newsletter's （来源：北京市人民政府）."""
    page = [
        n
        for n in ISSUER_LIST.split(fields.get("issuer", "").strip())
        if ORGANISATION.match(fold(n))
    ]
    source = draft.filed_under.strip()
    for named in (
        draft.issuers,
        legislation.issuers(events),
        [order.issuer] if order else [],
        signatories,
        page,
        issuers_from_title(raw_title),
        interpreters(draft.body),
        [source] if ORGANISATION.match(fold(source)) else [],
    ):
        if named:
            return named
    return []


def interpreters(body: str) -> list[str]:
    interpreter = INTERPRETER.search(body)
    return interpreter.group("issuer").split("、") if interpreter else []


def effective_date(
    draft: DocumentDraft, events, fields: dict[str, str], issued_on: dt.date | None
) -> dt.date | None:
    """When the policy takes effect: a law's header note or own date; the
    date the body gives (本办法自2024年1月1日起施行); the page's 实施日期; for
    自印发之日起施行, the day it was issued: its colophon's 印发 date, else its
    signature's date (not a web page's posting date)."""
    if events:
        return legislation.effective_date(events, draft.header_note, draft.body)
    stated = dates.effective_date(draft.body) or dates.parse_date(fields.get("effective", ""))
    if stated or not dates.FROM_ISSUE.search(draft.body):
        return stated
    # A page's posting date is when the site put it up, not when it was issued.
    return dates.colophon_date(draft.preamble + "\n" + draft.body) or issued_on


def region_of(draft: DocumentDraft, context: str) -> RegionRef:
    """A law of the country (中华人民共和国…) is national wherever it was posted;
    otherwise the place of its issuers (a national body's decision on 上海金融法院
    is national, the city's standing committee's regulation on 浦东新区 is the
    city's), else the place its title names; national when they name none
    and no issuer is a local body."""
    if fold(draft.title).startswith("中华人民共和国"):
        return RegionRef(level="national")
    # Division names are simplified: 內蒙古自治區 is found as 内蒙古自治区.
    issuers = fold(" ".join(draft.issuers))
    region = RegionRef()
    if issuers:
        region = detect_region(issuers, fold(f"{draft.title} {context}"))
    if region.level is None and not any(map(is_national_issuer, draft.issuers)):
        region = detect_region(fold(" ".join([*draft.issuers, draft.title])), fold(context))
    if region.level is None and (
        any(map(is_national_issuer, draft.issuers))
        or NATIONAL_ADDRESSEES.search(draft.preamble + draft.body[:NATIONAL_ADDRESSEES_REACH])
        or not any(is_local_issuer(issuer) for issuer in draft.issuers)
    ):
        region.level = "national"
    return region


def missing(draft: DocumentDraft) -> list[str]:
    """What a curator should add: the parts of a full text's metadata that
    the text did not give (a catalogue entry is known to be incomplete)."""
    if not draft.has_full_text:
        return []
    gaps = [
        label
        for label, value in (
            ("发布日期", draft.publish_date),
            ("发文机关", draft.issuers),
            ("地区", draft.region.level),
        )
        if not value
    ]
    return [f"未识别出{'、'.join(gaps)}，请核对后补充。"] if gaps else []
