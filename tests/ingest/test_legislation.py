"""Header notes (题注) under a law's title, read into its history, publish and
effective dates, issuer and order number (ingest/metadata/legislation.py).
Each case is the note of a real text in ../shared/corpus."""

import datetime as dt

from ingest.metadata import legislation
from ingest.metadata.legislation import note_lines, parse_events, promulgating_order

D = dt.date

# lrb_004 科学技术进步法: enacted, then revised twice.
REVISED = """1993年7月2日 第八届全国人民代表大会常务委员会第二次会议通过
2007年12月29日 第十届全国人民代表大会常务委员会第三十一次会议第一次修订
2021年12月24日 第十三届全国人民代表大会常务委员会第三十二次会议第二次修订"""
# lrb_101: a judicial interpretation, passed, promulgated, in force.
INTERPRETATION = """1999年9月2日 最高人民法院审判委员会第1074次会议通过
1999年9月6日 最高人民法院公告公布
1999年9月14日 施行"""
# lrb_048: approved by the State Council, issued by a commission, revised by decisions.
APPROVED = """1999年7月10日 国务院批准
1999年8月1日 国家发展计划委员会发布
2006年2月21日 《国务院关于修改〈价格违法行为行政处罚规定〉的决定》第一次修订
2008年1月13日 《国务院关于修改〈价格违法行为行政处罚规定〉的决定》第二次修订"""
# g01 (a PDF): the whole note in one bracket, the amendment joined by 根据.
BRACKETED = (
    "（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过根据2012年12月28日"
    "第十一届全国人民代表大会常务委员会第三十次会议《关于修改<中华人民共和国劳动合同法>的决定》修正）"
)


def test_a_revised_law_is_the_version_of_its_latest_event_and_its_enactors_text():
    events = parse_events(REVISED)
    assert [(e.date, e.action) for e in events] == [
        (D(1993, 7, 2), "通过"),
        (D(2007, 12, 29), "修订"),
        (D(2021, 12, 24), "修订"),
    ]
    assert legislation.publish_date(events) == D(2021, 12, 24)
    assert legislation.issuers(events) == ["全国人民代表大会常务委员会"]
    # A revision of its own restates 本法自公布之日起施行.
    assert legislation.effective_date(events, REVISED, "本法自公布之日起施行。") == D(2021, 12, 24)


def test_an_interpretation_is_published_on_its_promulgation_and_in_force_on_its_day():
    events = parse_events(INTERPRETATION)
    assert legislation.publish_date(events) == D(1999, 9, 6)
    assert legislation.effective_date(events, INTERPRETATION, "") == D(1999, 9, 14)
    assert legislation.issuers(events) == ["最高人民法院"]


def test_the_issuer_is_the_body_that_issued_not_the_one_that_approved():
    events = parse_events(APPROVED)
    assert legislation.issuers(events) == ["国家发展计划委员会"]
    assert legislation.publish_date(events) == D(2008, 1, 13)
    # Revisions by a 修改决定 leave 自公布之日起施行 with the text as issued.
    assert legislation.effective_date(events, APPROVED, "本规定自公布之日起施行。") == D(1999, 8, 1)


def test_a_bracketed_note_with_an_amendment_joined_by_genju():
    events = parse_events(BRACKETED)
    assert [(e.date, e.action) for e in events] == [
        (D(2007, 6, 29), "通过"),
        (D(2012, 12, 28), "修正"),
    ]
    assert legislation.publish_date(events) == D(2012, 12, 28)
    # An amendment keeps the original commencement the body gives.
    assert legislation.effective_date(events, BRACKETED, "本法自2008年1月1日起施行。") == D(
        2008, 1, 1
    )
    assert legislation.effective_date(events, BRACKETED, "本法自公布之日起施行。") == D(2007, 6, 29)


def test_the_order_on_the_latest_event_is_the_number_without_the_country():
    # lrb_065: two orders, the later one promulgated the version shown.
    note = """1997年6月20日 中华人民共和国国务院令第220号发布
2011年8月24日 国务院第169次常务会议修订通过
2011年8月31日 中华人民共和国国务院令第603号公布
2011年10月1日 施行"""
    events = parse_events(note)
    assert legislation.order_number(events) == "国务院令第603号"
    assert legislation.issuers(events) == ["国务院"]
    assert legislation.effective_date(events, note, "") == D(2011, 10, 1)


def test_a_city_regulation_approved_by_its_province_is_the_citys():
    # lrb_150: a city's standing committee passes, the province approves.
    note = """2022年12月6日 云浮市第七届人民代表大会常务委员会第七次会议通过
2023年2月10日 广东省第十四届人民代表大会常务委员会第一次会议批准）"""
    events = parse_events(note)
    assert legislation.issuers(events) == ["云浮市人民代表大会常务委员会"]
    assert legislation.publish_date(events) == D(2023, 2, 10)


def test_public_announcement_in_force_the_same_day():
    # g02: 公告公布施行 is promulgated and in force on its date.
    note = "（1982年12月4日第五届全国人民代表大会第五次会议通过1982年12月4日全国人民代表大会公告公布施行"
    events = parse_events(note)
    assert legislation.effective_date(events, note, "") == D(1982, 12, 4)
    assert legislation.issuers(events) == ["全国人民代表大会"]


def test_the_note_ends_where_the_text_begins():
    lines = [
        "2021年6月10日 第十三届全国人民代表大会常务委员会第二十九次会议通过",
        "第一章 总  则",
        "第一条 为了规范数据处理活动，保障数据安全，制定本法。",
    ]
    assert note_lines(lines) == 1
    # A sentence that starts with a year is text, not an event.
    assert note_lines(["2023年起，全市推行数据资产登记。"]) == 0
    # A bracket left open continues on the next line (g02).
    assert note_lines(["（1982年12月4日…会议通过", "根据1988年4月12日…修正案》修正）", "目录"]) == 2


def test_a_state_council_order_above_its_regulation():
    # g03: the order printed above the regulation it promulgates.
    order = promulgating_order(
        [
            "中华人民共和国国务院令",
            "第535号",
            "《中华人民共和国劳动合同法实施条例》已经…通过，现予公布。",
        ]
    )
    assert order == legislation.Order(issuer="国务院", number="国务院令第535号")
    assert promulgating_order(["各区人民政府：", "第5号"]) is None
