"""The header note (题注) under a law's, regulation's or interpretation's title.

It lists the dated events of the text, one per line or all in one bracket:

    2021年6月10日 第十三届全国人民代表大会常务委员会第二十九次会议通过
    （2007年6月29日第十届…第二十八次会议通过根据2012年12月28日…《关于修改…的决定》修正）
    2008年9月18日 中华人民共和国国务院令第535号公布
    2019年5月1日 施行

The text shown is the version of the latest event; its issuer is the body of
the first (an approval by a higher body, 国务院批准 or a province's 批准 of a
city's regulation, names the approver, not the issuer); the number is the
order (国务院令第535号) on the latest event that prints one.
"""

import datetime as dt
import re
from dataclasses import dataclass

from . import dates

# What an event did, as its line ends: …会议通过, …批准, …令第535号公布, …决定》修正,
# 施行, 公告公布施行, 审议通过, 修订通过.
ACTION = re.compile(r"(通过|批准|公布|发布|修正|修订|修改|施行|实施)(施行)?\s*[）)。，,；;]*$")
# 根据 joins the next event onto the same line: "…会议修订根据2016年4月21日…修正".
JOINED_BY = re.compile(r"根据\s*$")
# An event before the body: a date at the start of a line, then an organ or 施行.
EVENT_LINE = re.compile(rf"^[（(]?\s*(?:{dates.DATE.pattern})")
# 发布之日施行, 自公布之日起施行 printed in the note itself.
# (自修订发布之日起施行 is not one: the revision's date is not printed.)
FROM_PROMULGATION = re.compile(
    r"(?:^|自)(公布|发布|印发)之日(?:起)?(?:施行|实施|生效)", re.MULTILINE
)
# A header note is short: a few lines (a long history runs to a dozen).
MAX_NOTE_LINES = 24
# 中华人民共和国国务院令第535号, 国家市场监督管理总局令第45号,
# 中华人民共和国国务院、中华人民共和国中央军事委员会令第391号
ORDER_NUMBER = re.compile(r"((?:中华人民共和国)?[\u4e00-\u9fff、]{2,40}?令\s*第\s*\d+\s*号)")
COUNTRY = "中华人民共和国"
# The parts of an event that are not the organ's name: 第十三届, 第二十九次会议,
# 第168次常务会议, 审判委员会, 第6次部务会议, 部长办公会议, 令第45号, 公告.
SESSION = re.compile(r"第[〇零一二三四五六七八九十百\d]+届")
AFTER_ORGAN = re.compile(
    r"(?:第[〇零一二三四五六七八九十百\d]+次|审判委员会|检察委员会|部长办公会议|部务会议|常务会议|"
    r"令\s*第|公告|会议|《).*$",
    re.DOTALL,
)
VERBS = re.compile(r"(?:审议)?(?:修订)?(?:通过|批准|公布|发布|修正|修订|修改|施行|实施)+$")
# Abbreviation the notes use: 上海市第十五届人民代表大会常委会第三十次会议.
EXPANSIONS = {"常委会": "常务委员会"}


@dataclass(frozen=True)
class Event:
    date: dt.date
    action: str | None  # 通过, 批准, 公布, 发布, 修正, 修订, 修改, 施行, 实施; None: a meeting
    text: str  # what the note says after the date
    # Effective on the same day (公布施行): 1982年12月4日全国人民代表大会公告公布施行.
    in_force: bool = False

    @property
    def enacts(self) -> bool:
        """Whether the event passes the whole text anew (通过, or a revision of
        its own); a 修正 or a revision made by a 修改决定 leaves the rest of the
        text, its clause on entry into force included, as it was enacted."""
        return self.action == "通过" or (self.action == "修订" and "决定" not in self.text)

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "action": self.action or "", "text": self.text}


def note_lines(lines: list[str]) -> int:
    """How many of ``lines`` (those right under a title) are the header note:
    lines starting with a date, with the lines that continue them. 0 when
    the first line is no event."""
    if not lines or not _is_event_line(lines[0]):
        return 0
    count = 0
    for line in lines[:MAX_NOTE_LINES]:
        stripped = line.strip()
        if not stripped:
            count += 1
            continue
        if _is_event_line(stripped) or FROM_PROMULGATION.match(stripped):
            count += 1
            continue
        # A line of the note that broke (a long decision's name, one of several
        # bodies listed, the rest of a bracket): no sentence, and the note is still open.
        if "。" not in stripped[:-1] and (
            _inside_bracket(lines[:count]) or (_open(lines[:count]) and len(stripped) <= 40)
        ):
            count += 1
            continue
        break
    return count


def _is_event_line(line: str) -> bool:
    match = EVENT_LINE.match(line.strip().removeprefix("根据"))
    if not match:
        return False
    rest = line.strip().removeprefix("根据")[match.end() :]
    # A dated sentence is body text (2023年起，…); an event names an organ or 施行.
    return "。" not in rest.rstrip("。") and not rest.startswith(("起", "至", "前", "后", "以"))


def _inside_bracket(lines: list[str]) -> bool:
    text = "".join(line.strip() for line in lines)
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _open(lines: list[str]) -> bool:
    """Whether the note so far ends mid-event (no action yet on its last line,
    or a bracket still open)."""
    if _inside_bracket(lines):
        return True
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return not ACTION.search(last)


def parse_events(note: str) -> list[Event]:
    """The dated events of a header note, in the order printed."""
    text = FROM_PROMULGATION.sub("", note).strip().strip("（）()")
    matches = [m for m in dates.DATE.finditer(text) if dates.make_date(*m.groups())]
    events = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = JOINED_BY.sub("", text[match.end() : end].strip(" \u3000\n")).strip(" \u3000\n、,，")
        found = ACTION.search(body)
        events.append(
            Event(
                date=dates.make_date(*match.groups()),
                action=found.group(1) if found else None,
                text=body.strip("（）() "),
                in_force=bool(found and found.group(2)),
            )
        )
    return events


def publish_date(events: list[Event]) -> dt.date | None:
    """The date of the version shown: the latest event that is not its entry into force."""
    dated = [e.date for e in events if e.action not in ("施行", "实施")]
    return max(dated) if dated else None


def effective_date(events: list[Event], note: str, body: str) -> dt.date | None:
    """When the text shown is in force: its 施行 event, the body's own date,
    or, for 自公布之日起施行, the promulgation of the text as last enacted."""
    for event in events:
        if event.action in ("施行", "实施") or event.in_force:
            return event.date
    if stated := dates.effective_date(body):
        return stated
    if not (FROM_PROMULGATION.search(note) or FROM_PROMULGATION.search(body)):
        return None
    enacted = [e for e in events if e.enacts]
    base = enacted[-1].date if enacted else (events[0].date if events else None)
    if base is None:
        return None
    promulgated = [e.date for e in events if e.action in ("公布", "发布") and e.date >= base]
    return min(promulgated) if promulgated else base


def issuers(events: list[Event]) -> list[str]:
    """The organs that issued the text: those of its first event, unless that
    event only approved it (国务院批准) and another body issued it."""
    named = [e for e in events if e.action not in ("施行", "实施") and organs(e.text)]
    if not named:
        return []
    issued = [e for e in named if e.action != "批准"]
    return organs((issued or named)[0].text)


def organs(text: str) -> list[str]:
    """The organs an event names: 第十三届全国人民代表大会常务委员会第二十九次会议通过
    → 全国人民代表大会常务委员会; 最高人民法院审判委员会第1444次会议 → 最高人民法院;
    中华人民共和国国务院令第535号公布 → 国务院; 国家经济委员会 (one per line) …"""
    text = text.strip().removeprefix("经")
    for short, full in EXPANSIONS.items():
        text = text.replace(short, full)
    text = SESSION.sub("", text)
    text = AFTER_ORGAN.sub("", text)
    names = []
    for part in re.split(r"[、\n]+", text):
        name = VERBS.sub("", part.strip(" \u3000，,")).removeprefix(COUNTRY)
        if len(name) >= 2:
            names.append(name)
    return names


def order_number(events: list[Event]) -> str | None:
    """The order that promulgated the version shown (国务院令第535号): the one
    on the latest event that prints one, without the country's name."""
    for event in reversed(events):
        if match := ORDER_NUMBER.search(event.text):
            return re.sub(r"\s+", "", match.group(1)).replace(COUNTRY, "")
    return None


# The State Council's order that promulgates a regulation, above its text:
# 中华人民共和国国务院令 / 第535号; a ministry's: 国家市场监督管理总局令 / 第45号.
ORDER_HEADER = re.compile(r"^(?:中华人民共和国)?(?P<issuer>[\u4e00-\u9fff、]{2,30})令$")
ORDER_SERIAL = re.compile(r"^第\s*(\d+)\s*号$")


@dataclass(frozen=True)
class Order:
    issuer: str
    number: str


def promulgating_order(lines: list[str]) -> Order | None:
    """The order printed above a regulation (``ORDER_HEADER`` and the serial
    number on the next line), or None."""
    stripped = [line.strip() for line in lines if line.strip()]
    for line, serial in zip(stripped, stripped[1:], strict=False):
        if (header := ORDER_HEADER.match(line)) and (number := ORDER_SERIAL.match(serial)):
            issuer = header.group("issuer").replace(COUNTRY, "")
            return Order(issuer=issuer, number=f"{issuer}令第{number.group(1)}号")
    return None
