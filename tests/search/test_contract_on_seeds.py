"""The search engine answers the contract's queries (DESIGN §4.2) with exactly
the clauses a brute-force reading of the contract finds in the seeds.

The reading: a term matches a field when the field's folded characters and
Latin words hold the term's as a consecutive run (an exact substring across
scripts, widths and the punctuation between characters); words separated by
spaces must all match, ``OR`` offers alternatives, ``-`` excludes, a 文号
searches document numbers, ``scope=title`` titles; the filters are read from
the database as the models hold them. The queries are parsed by the
application's own parser: the engine is what is under test.

Written before the engine changed from Whoosh to Tantivy, and passing on both,
so the two engines return the same clause sets for these queries.
"""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from policybase.catalog.curation import set_review_state
from policybase.catalog.models import Clause, Document
from policybase.search.analyzer import UNIT
from policybase.search.query import Filters, all_matching_clauses, read_query, search
from policybase.text.fold import fold

SEEDS = (
    "002_newsletter_dashuju_dongtai_2023_32.txt",
    "003_compilation_data_asset_policies_2024.txt",
    "004_webpage_data_elements_x_plan_traditional.txt",
)

# (query, filters, scope): each kind of query the contract names.
QUERIES = [
    # words, one or several
    ("数据", {}, "text"),
    ("数据安全", {}, "text"),
    ("人工智能", {}, "text"),
    ("授权运营", {}, "text"),
    ("数据 安全", {}, "text"),
    ("数据 AND 安全 管理", {}, "text"),
    # phrases
    ('"数据 安全"', {}, "text"),
    ('"公共数据授权运营"', {}, "text"),
    ('"数据要素', {}, "text"),  # unclosed: still a phrase
    # OR
    ("数据安全 OR 人工智能", {}, "text"),
    ("算力 OR 数据中心 OR 云计算", {}, "text"),
    ("数据 OR 信息 安全", {}, "text"),
    # exclusion
    ("数据 -安全", {}, "text"),
    ("数据 NOT 安全", {}, "text"),
    ("-数据", {}, "text"),
    ('数据 -"数据安全"', {}, "text"),
    # 文号, in any bracket form and script
    ("国数政策〔2023〕11号", {}, "text"),
    ("国数政策[2023]11号", {}, "text"),
    ("國數政策（2023）11號", {}, "text"),
    # one character
    ("税", {}, "text"),
    ("云", {}, "text"),
    ("链", {}, "text"),
    # traditional and simplified, full and half width
    ("數據", {}, "text"),
    ("數據要素", {}, "text"),
    ("个人資訊 OR 個人信息", {}, "text"),
    ("２０２４年", {}, "text"),
    ("5G", {}, "text"),
    # another name of the same body
    ("工信部", {}, "text"),
    # filters, with and without words
    ("", {}, "text"),
    ("", {"province": "浙江省"}, "text"),
    ("数据", {"province": "北京市"}, "text"),
    ("", {"city": "杭州市"}, "text"),
    ("", {"district": "朝阳区"}, "text"),
    ("数据", {"level": "national"}, "text"),
    ("", {"category": 6}, "text"),
    ("安全", {"category": 6, "doc_type": "办法"}, "text"),
    ("", {"status": "试行"}, "text"),
    ("数据", {"issuer": "国家数据局"}, "text"),
    ("", {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 3, 31)}, "text"),
    ("数据", {"date_to": dt.date(2023, 12, 31)}, "text"),
    ("", {"effective_from": dt.date(2024, 6, 1)}, "text"),
    ("", {"standing": "in_force"}, "text"),
    ("", {"standing": "not_yet"}, "text"),
    ("", {"standing": "lapsed"}, "text"),
    ("数据 OR 安全 -管理", {"province": "北京市", "date_from": dt.date(2024, 1, 1)}, "text"),
    # titles only
    ("办法", {}, "title"),
    ("數據安全", {}, "title"),
    ("数据 -管理", {"province": "北京市"}, "title"),
    # nothing
    ("没有这样的词语", {}, "text"),
]


def units(text: str) -> str:
    """The searchable units of ``text``, each between spaces: a run of them
    is found as a substring."""
    return " " + " ".join(UNIT.findall(fold(text))) + " "


class Reading:
    """The contract read over the database, clause by clause."""

    def __init__(self):
        self.clauses = list(
            Clause.objects.exclude(document__review_state=Document.ReviewState.WITHDRAWN)
            .select_related("document__region__parent__parent")
            .prefetch_related("document__issuers")
        )
        self.today = timezone.localdate()

    def answer(self, query: str, filters: Filters, scope: str) -> set[int]:
        parsed = read_query(query)
        return {
            clause.pk
            for clause in self.clauses
            if filters.category in (None, clause.category_id)
            and self.kept(clause.document, filters)
            and all(any(self.has(clause, term, scope) for term in group) for group in parsed.groups)
            and not any(self.has(clause, term, scope) for term in parsed.excluded)
        }

    @staticmethod
    def has(clause, term, scope) -> bool:
        if term.is_doc_number:
            fields = [clause.document.doc_number]
        elif term.in_titles and scope != "title":
            fields = [clause.text, clause.document.title]
        else:
            fields = [clause.text if scope == "text" else clause.document.title]
        return any(units(term.text) in units(field) for field in fields)

    def kept(self, document, filters: Filters) -> bool:
        region = document.region
        regions = [r.name for r in region.lineage()] if region else []
        for name in ("province", "city", "district"):
            if getattr(filters, name) and getattr(filters, name) not in regions:
                return False
        checks = [
            (filters.level, lambda: region is not None and region.level == filters.level),
            (filters.doc_type, lambda: document.doc_type == filters.doc_type),
            (filters.status, lambda: filters.status in document.status),
            (filters.issuer, lambda: filters.issuer in document.issuer_names),
            (filters.standing, lambda: document.standing_on(self.today) == filters.standing),
        ]
        if not all(check() for wanted, check in checks if wanted):
            return False
        return within(document.publish_date, filters.date_from, filters.date_to) and within(
            document.effective_date, filters.effective_from, filters.effective_to
        )


def within(date, start, end) -> bool:
    if not (start or end):
        return True
    return date is not None and (not start or date >= start) and (not end or date <= end)


@pytest.fixture
def seeds(search_index, media_dir, sample_copy):
    call_command("ingest", *(sample_copy(name) for name in SEEDS), stdout=io.StringIO())
    full = list(Document.objects.filter(clauses__isnull=False).order_by("pk").distinct())
    # What a curator records, and dates to come and gone, give every standing clauses.
    today = timezone.localdate()
    changes = [
        {"validity": Document.Validity.REPEALED},
        {"effective_date": today + dt.timedelta(days=365)},
        {"effective_date": dt.date(2024, 1, 1), "expiry_date": dt.date(2025, 1, 1)},
    ]
    for document, fields in zip(full, changes, strict=False):
        for name, value in fields.items():
            setattr(document, name, value)
        document.save()
    # A withdrawn document leaves the index: its clauses must not come back.
    set_review_state([full[3]], Document.ReviewState.WITHDRAWN)
    return full[3]


def test_the_engine_finds_what_the_contract_says(seeds):
    reading = Reading()
    assert len(reading.clauses) > 500 and not any(
        c.document_id == seeds.pk for c in reading.clauses
    )
    category = {clause.pk: clause.category_id for clause in reading.clauses}
    wrong = []
    for query, filter_values, scope in QUERIES:
        filters = Filters(**filter_values)
        expected = reading.answer(query, filters, scope)
        found = [c.pk for c in all_matching_clauses(query, filters, scope)]
        page = search(query, filters, scope=scope)
        counted = Counter(str(category[pk]) for pk in expected if category[pk] is not None)
        if sorted(found) != sorted(expected) or page.count != len(expected):
            wrong.append((query, filter_values, scope, len(expected), len(found), page.count))
        elif page.facets["category"] != dict(counted):
            wrong.append((query, filter_values, scope, "category facet", page.facets["category"]))
    assert not wrong
    # The cases are not vacuous: most find something, and not everything.
    sizes = [len(reading.answer(q, Filters(**f), s)) for q, f, s in QUERIES]
    assert sum(0 < size < len(reading.clauses) for size in sizes) >= len(QUERIES) - 4
