"""Issue 25 on the real sample corpus (data/sample, ingested with the real
command and the model trained on first use): clauses that are no instrument
say so, doubt is shown, and the review queue holds what a curator can decide."""

import csv
import io
import shutil

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from policybase.catalog.models import STRUCTURAL, ClassifierSettings, Clause, Document
from policybase.catalog.review import CLAUSE_QUEUE
from policybase.search.indexing import clear_index
from policybase.web import statistics

from ..conftest import SAMPLE
from .conftest import api

# The purpose, scope, definition and entry-into-force articles of the sample
# corpus, by the words they start with (read from the ingested texts; some
# files use ASCII commas). Every one is 非政策工具, none an instrument.
STRUCTURAL_ARTICLES = {
    "purpose": [
        "为深入贯彻落实人力资源社会保障部等9部门加快数字人才培育支撑数字经济发展行动方案",
        "第一条根据中华人民共和国数据安全法中华人民共和国网络安全法等法律,按照工业和信息化领域",
        "第一条为保障会计师事务所数据安全",
        "为贯彻落实党中央、国务院关于发展数字经济的决策部署,发挥数字人才支撑数字经济",
        "第一条为了保障数据安全,保护个人信息权益,促进数据依法有序自由流动",
        "第一条为规范自然资源领域数据处理活动",
        "为深入贯彻国家关于构建数据基础制度更好发挥数据要素作用、数据要素行动计划",
        "第一条为贯彻落实中央、本市数据要素相关文件精神",
        "第一条为规范企业数据知识产权工作",
        "第一条为了规范公共数据授权运营，培育数据要素市场",
        "为了促进数据高效流通，激活数据要素潜能",
        "为深入贯彻《国务院关于支持贵州在新时代西部大开发上闯新路的意见》",
        "为深入贯彻落实中共中央、国务院《关于加快建设全国统一大市场的意见》",
        "第一条为规范人脸识别技术应用",
        "信息化标准是国家标准体系的重要组成部分",
        "数字商务是数字经济发展最迅速",
        "数据作为新型生产要素,是数字化、网络化、智能化的基础",
        "为深入贯彻党中央、国务院关于构建数据基础制度更好发挥数据要素作用的决策部署,落实北京市",
        "发挥数据要素的放大、叠加、倍增作用",
        "發揮數據要素的放大、疊加、倍增作用",
        # Its addressees (各省、自治区…自然资源主管部门:) are cut off at ingestion.
        "城市是推进数字中国建设的综合载体",
    ],
    "scope": [
        "第二条本细则适用于",
        "第二条在中华人民共和国境内依法设立的会计师事务所",
        "第三条本指引适用于",
        "第二条本市行政区域内与公共数据授权运营相关的",
        "本规定适用于在浦东新区",
    ],
    "definition": [
        "第三条本办法所称数据,是指会计师事务所",
        "第三条本办法所称自然资源领域数据",
        "第二条本办法所称公共数据是指本市各级国家机关",
        "第三条本办法所称公共数据专区",
        "第三条本办法所称公共数据，是指各级行政机关",
        "本办法所称公共数据授权运营",
        "本办法所称公共数据产品",
    ],
    "entry into force": [
        "第十九条本细则自2024年6月1日起施行",
        "第三十六条本办法自2024年10月1日起施行",
        "第十四条本规定自公布之日起施行",
        "第三十七条本办法自印发之日起施行",
        "第四十一条本指引自发布之日起试行",
        "第十九条本办法自年月日起施行",
        "本规定自年月日起施行",
        "第二十五条本规定自×年×月×日起施行",
        "第三十一条本办法自发布之日起施行",
    ],
}


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker, tmp_path_factory):
    """The three sample files, ingested once and committed (the search index
    is written); taken away afterwards as a serialized rollback does it."""
    files = tmp_path_factory.mktemp("trust")
    shutil.copytree(SAMPLE, files / "sample")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=files / "media"):
        migrated = connection.creation.serialize_db_to_string()
        clear_index()
        try:
            call_command("ingest", files / "sample", stdout=io.StringIO())
            yield
        finally:
            clear_index()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(migrated)


@pytest.fixture
def client(corpus, db, client):
    return client


@pytest.mark.slow
@pytest.mark.parametrize("kind", STRUCTURAL_ARTICLES)
def test_no_purpose_scope_definition_or_entry_into_force_article_carries_an_instrument(
    client, kind
):
    for start in STRUCTURAL_ARTICLES[kind]:
        found = list(Clause.objects.filter(text__startswith=start))
        assert found, f"no clause starts with {start!r}"
        assert {c.category_id for c in found} == {STRUCTURAL}, (start, found[0].top)


@pytest.mark.slow
def test_the_review_queue_holds_at_most_15_percent_of_the_clauses(client):
    total = Clause.objects.count()
    queued = Clause.objects.filter(CLAUSE_QUEUE)
    assert total > 700
    assert queued.count() <= 0.15 * total, f"{queued.count()} of {total}"
    # Only what a curator can decide: in doubt, between two real candidates.
    threshold = ClassifierSettings.current().doubt_below
    for clause in queued:
        assert clause.confidence < threshold
        assert clause.top[0][1] + clause.top[1][1] >= 0.65
        assert clause.category_id != STRUCTURAL or clause.confidence < threshold


@pytest.mark.slow
def test_statistics_leave_structural_clauses_out_and_say_how_many(client):
    structural = Clause.objects.filter(category=STRUCTURAL).count()
    assert structural >= len([s for starts in STRUCTURAL_ARTICLES.values() for s in starts])
    data = statistics.statistics(statistics.Scope())
    assert data["structural_left_out"] == structural
    assert STRUCTURAL not in [c["id"] for c in data["categories"]]
    counted = sum(row["total"] for row in data["by_year"]["rows"]) + data["by_year"]["undated"]
    instruments = Clause.objects.exclude(category=STRUCTURAL).filter(category__isnull=False)
    assert counted == instruments.count()
    page = BeautifulSoup(client.get("/stats/").content, "html.parser")
    note = page.select_one("#structural-left-out")
    assert f"{structural} 条非政策工具条款" in note.get_text()
    assert "category=14" in note.a["href"]


@pytest.mark.slow
def test_structural_clauses_are_searchable_and_filterable_like_any_category(client):
    found = api(client, category=14)
    assert found["count"] == Clause.objects.filter(category=STRUCTURAL).count() > 0
    assert all(hit["category"] == 14 and hit["structural"] for hit in found["results"])
    assert found["facets"]["category"]["14"] == found["count"]
    page = BeautifulSoup(client.get("/", {"q": "施行"}).content, "html.parser")
    # The instrument facet has a section of its own for 非政策工具, after the three groups.
    headings = [h3.contents[0].strip() for h3 in page.select("section.facet-category h3")]
    assert headings[-1] == "非政策工具" and set(headings[:-1]) <= {"供给型", "环境型", "需求型"}
    chip = page.select_one(".chip.category.structural")
    assert chip is not None and chip.get_text(strip=True) == "非政策工具"


@pytest.mark.slow
def test_compare_leaves_structural_clauses_out_of_the_shares(client):
    soup = BeautifulSoup(
        client.get("/compare/", {"q": "", "region": ["国家", "北京市"]}).content, "html.parser"
    )
    row = soup.select_one("table.compare-table tr.structural")
    assert "其中非政策工具条款（不计入占比）" in row.th.get_text()
    counts = [int(td.get_text(" ", strip=True).split()[0]) for td in row.find_all("td")]
    assert sum(counts) > 0
    assert not soup.select('table.compare-table tr[data-category="14"]')


@pytest.mark.slow
def test_policy_comparison_shows_structure_apart_and_counts_it(client):
    documents = [
        d.pk
        for d in Document.objects.filter(clauses__category=STRUCTURAL).distinct().order_by("pk")[:2]
    ]
    record = client.get(
        "/documents/compare/", {"ids": ",".join(map(str, documents)), "format": "json"}
    ).json()
    structural_rows = [row for row in record["rows"] if row["structural"]]
    assert len(structural_rows) == 1 and record["rows"][-1] is structural_rows[0]
    expected = [Clause.objects.filter(document=pk, category=STRUCTURAL).count() for pk in documents]
    assert (
        record["structural_left_out"] == expected == [len(c) for c in structural_rows[0]["clauses"]]
    )
    page = BeautifulSoup(
        client.get("/documents/compare/", {"ids": ",".join(map(str, documents))}).content,
        "html.parser",
    )
    notes = [p.get_text() for p in page.select(".structural-left-out")]
    assert notes == [
        f"另有 {n} 条非政策工具条款（目的、适用范围、施行日期等）不计入构成，列在表末。"
        for n in expected
    ]
    assert page.select_one("tr.structural")


@pytest.mark.slow
def test_doubtful_clauses_show_their_two_likeliest_categories(client):
    threshold = ClassifierSettings.current().doubt_below
    doubtful = (
        Clause.objects.filter(category_source="model", confidence__lt=threshold)
        .exclude(category=STRUCTURAL)
        .select_related("document", "category")
        .first()
    )
    sure = Clause.objects.filter(confidence__gte=0.9).exclude(category=STRUCTURAL).first()
    first, second = doubtful.top[0][0], doubtful.top[1][0]
    # The API: the category stays the model's answer; the fields beside it say the doubt.
    record = client.get(f"/api/documents/{doubtful.document_id}").json()
    by_id = {c["clause_id"]: c for c in record["clauses"]}
    assert by_id[doubtful.pk]["category"] == first
    assert by_id[doubtful.pk]["categories"] == [first, second]
    assert by_id[doubtful.pk]["second_category"] == second and by_id[doubtful.pk]["doubtful"]
    sure_record = client.get(f"/api/documents/{sure.document_id}").json()
    sure_row = next(c for c in sure_record["clauses"] if c["clause_id"] == sure.pk)
    assert (sure_row["categories"], sure_row["doubtful"]) == ([sure.category_id], False)
    # The document page shows both names.
    page = BeautifulSoup(client.get(f"/documents/{doubtful.document_id}/").content, "html.parser")
    chip = page.select_one(f"#c{doubtful.pk} .chip.category.doubtful")
    assert chip.get_text(" ", strip=True).startswith(doubtful.shown_category_name)
    assert " / " in doubtful.shown_category_name
    # The CSV export: the old columns as they were, the doubt in columns after
    # them (and after those, columns added later: issue 27's issuer and url).
    response = client.get("/api/search", {"q": doubtful.text[:12], "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]
    after = header.index("citation") + 1
    assert header[after : after + 4] == [
        "second_category",
        "second_category_name",
        "doubtful",
        "shown_categories",
    ]
    row = next(r for r in rows[1:] if r[0] == str(doubtful.pk))
    assert row[header.index("category")] == str(first)
    assert row[header.index("second_category")] == str(second)
    assert row[header.index("shown_categories")] == doubtful.shown_category_name
    # A curator sets the threshold to 0: nothing is in doubt any more.
    ClassifierSettings(doubt_below=0.0).save()
    again = client.get(f"/api/documents/{doubtful.document_id}").json()
    assert not any(c["doubtful"] for c in again["clauses"])
