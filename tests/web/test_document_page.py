"""The document page on the real sample corpus: seeds 003 (a compilation of
policies from many regions) and 004 (the 「數據要素×」 plan, in traditional
characters), plus one regulation written here that cites documents of both."""

import io
import re
import shutil
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from docx import Document as WordDocument

from policybase.catalog.models import STRUCTURAL, Clause, Document
from policybase.search.indexing import clear_index
from policybase.web.related import _instrument_mixes, related_documents
from tests.conftest import seed_path

COMPILATION = "003_compilation_data_asset_policies_2024.txt"
WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"

# Cites 004 in simplified characters with a full-width dash, a 003 document
# with a status it does not have in the base, another without the status it
# has there, and a law that is not in the base.
REGULATION = """济南市公共数据授权运营实施细则

第一章 总则

第一条 为规范公共数据授权运营，根据《中华人民共和国数据安全法》《“数据要素×”三年行动计划（2024—2026年）》《自然资源领域数据安全管理办法（试行）》等规定，制定本细则。

第二条 运营单位应当建立数据安全管理制度，参照《湖北省数据条例》的有关规定开展数据登记。

第二章 附则

第三条 本细则自发布之日起施行。

济南市大数据局
2024年3月1日
"""

# Cites 004 by its 文号 alone, in simplified characters with other brackets,
# after other words; and a 文号 the base does not hold.
NOTICE = """济南市大数据局关于做好数据要素应用场景申报工作的通知

各区县大数据主管部门：

根据国数政策[2023]11号文件要求，现就做好数据要素应用场景申报工作通知如下。

申报材料按照鲁数发〔2024〕5号的要求报送。

济南市大数据局
2024年4月1日
"""


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker, tmp_path_factory):
    """The corpus, ingested once for the module: ingesting the compilation takes
    seconds, and every test here only reads. It is committed for real, so that
    the search index is written as in production, and taken away afterwards the
    way Django's serialized rollback does it: flush, then the rows the
    migrations made (the 14 categories) back."""
    files = tmp_path_factory.mktemp("document-page")
    regulation = files / "jinan_public_data_rules.txt"
    regulation.write_text(REGULATION, encoding="utf-8")
    notice = files / "jinan_scenario_notice.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    for name in (COMPILATION, WEBPAGE):
        shutil.copy(seed_path(name), files / name)
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=files / "media"):
        migrated = connection.creation.serialize_db_to_string()
        clear_index()
        try:
            call_command(
                "ingest",
                files / COMPILATION,
                files / WEBPAGE,
                regulation,
                notice,
                stdout=io.StringIO(),
            )
            yield
        finally:
            clear_index()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(migrated)


@pytest.fixture
def client(corpus, db, client):
    """The test client, on the corpus; each test runs in a transaction rolled back after it."""
    return client


def page(client, document) -> str:
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, name: str) -> str:
    """The HTML of one part of the page: the outline nav, or a relations section."""
    if name == "outline":
        match = re.search(r'<nav aria-label="文件目录">(.*?)</nav>', html, re.S)
    else:
        match = re.search(rf'<section class="relations" id="{name}">(.*?)</section>', html, re.S)
    assert match, name
    return match.group(1)


def linked_documents(html: str) -> list[Document]:
    pks = [int(pk) for pk in re.findall(r'href="/documents/(\d+)/', html)]
    found = Document.objects.select_related("region").in_bulk(pks)
    return [found[pk] for pk in pks]


def regulation():
    return Document.objects.get(title="济南市公共数据授权运营实施细则")


def x_plan():
    return Document.objects.get(doc_number="國數政策〔2023〕11号")


def test_outline_links_jump_to_headings_and_clauses_of_the_page(client):
    documents = [
        Document.objects.get(title="自然资源领域数据安全管理办法", has_full_text=True),
        x_plan(),
    ]
    for document in documents:
        html = page(client, document)
        outline = section(html, "outline")
        targets = re.findall(r'href="#([^"]+)"', outline)
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        assert len(targets) > 10, document.title
        assert set(targets) <= ids, set(targets) - ids
        # Clause permalinks keep their form: other pages and outside checks link to them.
        for pk in document.clauses.values_list("pk", flat=True):
            assert f'id="c{pk}"' in html and f'href="#c{pk}"' in html
    # Chapters are headings in the body and entries of the outline.
    html = page(client, documents[0])
    heading = re.search(r'<h2 id="([^"]+)">第二章 数据分类分级管理</h2>', html)
    assert heading and f'href="#{heading.group(1)}">第二章 数据分类分级管理<' in html
    assert re.search(r'<h3 id="[^"]+">\(一\)指導思想</h3>', page(client, documents[1]))


def test_original_file_download_stays_on_the_page(client):
    document = x_plan()
    html = page(client, document)
    assert f'<a class="download" href="/documents/{document.pk}/source">下载原文</a>' in html
    download = client.get(f"/documents/{document.pk}/source")
    assert download.status_code == 200
    assert "數據要素" in b"".join(download.streaming_content).decode()


def test_cited_policies_in_the_base_are_linked_and_the_others_listed(client):
    html = page(client, regulation())
    cited = section(html, "citations")
    titles = {document.title for document in linked_documents(cited)}
    # Traditional, with another dash; a status more or less than the citation.
    assert "“數據要素×”三年行動計劃(2024—2026年)" in titles
    assert "自然资源领域数据安全管理办法" in titles
    assert "湖北省数据条例(草案)(征求意见稿)" in titles
    # A law that is not in the base is named, not linked.
    assert (
        '<span class="not-in-base" title="库中未收录">《中华人民共和国数据安全法》</span>' in cited
    )
    first_article = regulation().clauses.get(number="第一条")
    assert f'href="#c{first_article.pk}">见第一条</a>' in cited


def test_a_cited_document_links_back_to_the_citing_clause(client):
    citing = regulation().clauses.get(number="第一条")
    cited_by = section(page(client, x_plan()), "cited-by")
    assert f'href="/documents/{citing.document_id}/#c{citing.pk}"' in cited_by
    # 004 itself cites a policy that the base does not hold.
    citations = section(page(client, x_plan()), "citations")
    assert "中共中央國務院關于構建數據基礎制度更好發揮數據要素作用的意見" in citations
    assert not linked_documents(citations)


def test_a_document_number_cited_alone_links_both_ways(client):
    notice = Document.objects.get(title__startswith="济南市大数据局关于做好数据要素应用场景")
    citing = notice.clauses.get(text__contains="国数政策[2023]11号")
    citations = section(page(client, notice), "citations")
    # 国数政策[2023]11号 is 004's 國數政策〔2023〕11号; 鲁数发〔2024〕5号 is in no document here.
    assert [d.pk for d in linked_documents(citations)] == [x_plan().pk]
    assert "鲁数发" not in citations
    cited_by = section(page(client, x_plan()), "cited-by")
    assert f'href="/documents/{notice.pk}/#c{citing.pk}"' in cited_by


def test_related_documents_are_of_the_same_type_from_other_regions(client):
    cases = [
        # 朝阳区 has a second 方案 on its 数据要素 cluster, which must not show.
        (
            "朝阳区关于更好发挥数据要素作用",
            "甘肃省“数据要素”三年行动实施方案",
            "朝阳区关于实施数据要素行动",
        ),
        ("安徽省公共数据授权运营管理办法", "河北省公共数据授权运营管理办法", None),
        ("济南市公共数据授权运营实施细则", "湖州市公共数据授权运营管理实施细则", None),
    ]
    for title, other_region, same_region in cases:
        document = Document.objects.get(title__startswith=title)
        related = linked_documents(section(page(client, document), "related"))
        assert 0 < len(related) <= 8, title
        assert any(other.title.startswith(other_region) for other in related), title
        for other in related:
            assert other.region_id != document.region_id
            assert other.doc_type == document.doc_type
            assert other.pk != document.pk
        if same_region:
            sibling = Document.objects.get(title__startswith=same_region)
            assert (sibling.region_id, sibling.doc_type) == (document.region_id, document.doc_type)


def natural_resources_rules():
    return Document.objects.get(title="自然资源领域数据安全管理办法", has_full_text=True)


def test_related_documents_rank_by_subject_not_by_common_words(client):
    document = natural_resources_rules()
    html = section(page(client, document), "related")
    related = [other.title for other in linked_documents(html)]
    # Another ministry's 数据安全管理办法, national too: for a national text another
    # body is another place.
    assert related[0] == "会计师事务所数据安全管理暂行办法"
    assert "共同词：数据安全" in html
    # Not a title that shares only 数据, a 资源 (of 自然资源) and 管理 with it.
    assert "安徽省数据资源登记管理办法(试行)(征求意见稿)" not in related
    assert "其他部门和地区的同类办法" in html


def test_national_documents_relate_across_bodies_not_within_one(client):
    document = natural_resources_rules()
    other = Document.objects.get(title="会计师事务所数据安全管理暂行办法")
    assert other in [related.document for related in related_documents(document)]
    # Had the same ministry issued both, the other would be its own, not another place's.
    other.issuers.set(document.issuers.all())
    assert other not in [related.document for related in related_documents(document)]


def test_instrument_mixes_leave_structural_clauses_out(client):
    document = natural_resources_rules()
    clauses = document.clauses.exclude(category=None)
    assert clauses.filter(category=STRUCTURAL).exists()
    mix = _instrument_mixes([document.pk])[document.pk]
    assert STRUCTURAL not in mix
    assert sum(mix.values()) == clauses.exclude(category=STRUCTURAL).count()


def test_a_table_of_contents_entry_renders_without_outline(client):
    document = Document.objects.get(title="河北省数据知识产权登记办法(试行)(征求意见稿)")
    assert not document.has_full_text
    html = page(client, document)
    assert "本文件仅见于汇编目录，暂无全文。" in html
    assert 'aria-label="文件目录"' not in html
    related = linked_documents(section(html, "related"))
    assert any(other.title.startswith("安徽省数据知识产权登记办法") for other in related)


def test_metadata_links_search_by_doc_number_region_and_issuer(client):
    document = x_plan()
    html = page(client, document)
    number_link = re.search(r'<a href="(/\?q=[^"]+)">國數政策〔2023〕11号</a>', html)
    assert number_link
    assert document.title in client.get(number_link.group(1).replace("&amp;", "&")).content.decode()
    jinan = page(client, regulation())
    assert '<a href="/?province=%E5%B1%B1%E4%B8%9C%E7%9C%81">山东省</a>' in jinan
    # The city's link names its province: two places can share a name.
    assert (
        '<a href="/?province=%E5%B1%B1%E4%B8%9C%E7%9C%81&amp;city=%E6%B5%8E%E5%8D%97%E5%B8%82">济南市</a>'
        in jinan
    )
    found = client.get("/", {"city": "济南市"}).content.decode()
    assert "济南市公共数据授权运营实施细则" in found


def test_category_mix_shows_counts_per_category(client):
    document = Document.objects.get(title="自然资源领域数据安全管理办法", has_full_text=True)
    html = page(client, document)
    counts = dict(
        re.findall(r'<span class="name">([^<]+)</span>.*?<span class="count">(\d+)</span>', html)
    )
    # The instruments only: its purpose, definitions and entry into force are
    # 非政策工具, left out of the mix and counted below it.
    names = document.clauses.exclude(category=14).values_list("category__name", flat=True)
    assert {name: int(n) for name, n in counts.items()} == {
        name: list(names).count(name) for name in set(names)
    }
    structural = document.clauses.filter(category=14).count()
    assert structural >= 4  # 第一条, 第三条, 第三十六条, 第三十七条
    assert f"另有 {structural} 条非政策工具条款" in html


def test_clause_text_and_citations_are_escaped(client):
    document = x_plan()
    clause = document.clauses.first()
    clause.text = '<script>alert("x")</script>依据《<b>假文件</b>》'
    clause.save()
    Clause.objects.filter(pk=document.clauses.last().pk).update(path=["<i>附则</i>"])
    html = page(client, document)
    assert "<script>alert" not in html and "<b>假文件" not in html and "<i>附则" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "《&lt;b&gt;假文件&lt;/b&gt;》" in section(html, "citations")
    assert "&lt;i&gt;附则&lt;/i&gt;" in section(html, "outline")


def test_similar_clauses_find_the_same_clause_in_the_other_copy_first(client):
    clause = x_plan().clauses.get(text__startswith="落實數據安全法規制度")
    html = page(client, x_plan())
    similar_url = f"/clauses/{clause.pk}/similar/"
    assert f'href="{similar_url}"' in html
    response = client.get(similar_url)
    assert response.status_code == 200
    similar = [other for other, _ in response.context["hits"]]
    # The compilation prints the same clause, in simplified characters, under (十八).
    assert similar[0].document.title == "“数据要素”三年行动计划(2024-2026年)"
    assert "落实数据安全法规制度" in similar[0].text
    documents = [other.document_id for other in similar]
    assert x_plan().pk not in documents and len(set(documents)) == len(documents)
    # The key terms it was found by are named and marked, in either script.
    terms = response.context["terms"]
    assert "数据安全" in terms
    assert "<mark>数据安全</mark>" in response.content.decode()
    # Each of them, and the clause compared, can be quoted from here.
    quotes = [unescape(q) for q in re.findall(r'data-quote="([^"]*)"', response.content.decode())]
    assert len(quotes) == 1 + len(similar)
    assert quotes[1].startswith("《“数据要素”三年行动计划(2024-2026年)》第")
    data = client.get(similar_url, {"format": "json"}).json()
    assert [r["clause_id"] for r in data["results"]] == [other.pk for other in similar]
    assert "<mark>" in data["results"][0]["highlight"]

    Document.objects.filter(pk=x_plan().pk).update(review_state=Document.ReviewState.WITHDRAWN)
    assert client.get(similar_url).status_code == 404


def test_every_clause_offers_its_citation_to_copy(client):
    html = page(client, regulation())
    quotes = re.findall(r'data-quote="([^"]*)"', html)
    assert len(quotes) == regulation().clauses.count()
    # The article's number moves into the citation rather than starting the text.
    assert (
        "《济南市公共数据授权运营实施细则》第二条：运营单位应当建立数据安全管理制度，"
        "参照《湖北省数据条例》的有关规定开展数据登记。"
    ) in [unescape(quote) for quote in quotes]
    plan_quotes = [unescape(q) for q in re.findall(r'data-quote="([^"]*)"', page(client, x_plan()))]
    assert any(
        quote.startswith(
            "《“數據要素×”三年行動計劃(2024—2026年)》（國數政策〔2023〕11号）第三部分第（四）项："
        )
        for quote in plan_quotes
    )


def test_a_policy_downloads_alone_as_word_with_its_headings_and_source(client):
    document = regulation()
    assert 'href="?format=docx"' in page(client, document)
    response = client.get(document.get_absolute_url(), {"format": "docx"})
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    word = WordDocument(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert paragraphs[0] == ("Heading 1", "济南市公共数据授权运营实施细则")
    assert ("Heading 2", "第一章 总则") in paragraphs and ("Heading 2", "第二章 附则") in paragraphs
    texts = [text for _, text in paragraphs]
    # An article's number set off by a full-width space, as a printed regulation has it.
    assert texts[-3:-1] == ["第二章 附则", "第三条\u3000本细则自发布之日起施行。"]
    metadata = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows}
    assert metadata["发文机关"] == "济南市大数据局"
    assert metadata["发布日期"] == "2024-03-01"
    assert texts[-1].startswith(
        f"来源：PolicyBase 数据政策库 http://testserver/documents/{document.pk}/"
    )

    # A policy of the compilation comes alone, not with the other 120 policies.
    plan = Document.objects.get(title="“数据要素”三年行动计划(2024-2026年)")
    word = WordDocument(io.BytesIO(client.get(plan.get_absolute_url(), {"format": "docx"}).content))
    body = "\n".join(p.text for p in word.paragraphs)
    assert "落实数据安全法规制度" in body
    assert "关于加强数据资产管理的指导意见" not in body


def test_related_documents_with_text_can_be_compared_instrument_by_instrument(client):
    compared = 0
    for document in Document.objects.filter(has_full_text=True):
        html = section(page(client, document), "related")
        for other in linked_documents(html):
            link = f'href="/documents/compare/?ids={document.pk},{other.pk}"'
            assert (link in html) == other.has_full_text, (document.title, other.title)
            compared += other.has_full_text
    assert compared  # the full-text policies of 003 relate to one another
