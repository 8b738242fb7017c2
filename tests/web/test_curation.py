"""Curators in the admin: review states, bulk category decisions, duplicates,
splitting and merging clauses, history and revert, roles; the public site and
the index follow every edit."""

import re

import pytest
from django.contrib.auth.models import Group, User

from policybase.catalog import curation
from policybase.catalog.models import Category, Clause, Document

from .conftest import api


@pytest.fixture
def curator(db):
    user = User.objects.create_user("curator", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="curator"))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def document_with_clauses() -> Document:
    return Document.objects.filter(clauses__isnull=False).order_by("pk").first()


def test_withdrawn_documents_leave_the_public_site_and_the_index(corpus, client, curator_client):
    document = document_with_clauses()
    word = document.clauses.first().text[:4]
    before = api(client, q=word)["count"]
    response = curator_client.post(
        "/admin/catalog/document/",
        {"action": "withdraw", "_selected_action": [document.pk]},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.review_state == Document.ReviewState.WITHDRAWN
    client.logout()
    assert (
        api(client, q=word)["count"]
        == before - document.clauses.filter(text__contains=word).count()
    )
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(f"/api/documents/{document.pk}").status_code == 404
    # Staff still reach it, with a notice.
    curator_client.force_login(User.objects.get(username="curator"))
    page = curator_client.get(document.get_absolute_url()).content.decode()
    assert "已撤回" in page
    # Publishing brings it back.
    curation.set_review_state([document], Document.ReviewState.PUBLISHED)
    assert api(client, q=word)["count"] == before


def review_row(html: str) -> str:
    return re.search(r"<tr><th>审核</th><td[^>]*>([^<]*)</td></tr>", html).group(1)


def test_review_state_is_said_on_the_document_page_not_on_every_hit(corpus, client):
    document = document_with_clauses()
    assert document.review_state == Document.ReviewState.INGESTED
    # Unreviewed is the normal state after an ingest: said in the metadata, plainly.
    page = client.get(document.get_absolute_url()).content.decode()
    assert review_row(page) == "系统自动入库，尚未经审核员核对"
    assert "notice pending" not in page
    # Search hits, listed by clause or by document, carry no review badge.
    word = document.clauses.first().text[:6]
    for group in ("clause", "document"):
        hits = client.get("/", {"q": word, "group": group}).content.decode()
        assert document.title in hits
        assert "待审核" not in hits and "chip pending" not in hits
    curation.set_review_state([document], Document.ReviewState.PUBLISHED)
    page = client.get(document.get_absolute_url()).content.decode()
    assert review_row(page) == "已发布"


def test_a_withdrawn_version_is_not_named_on_its_successor_s_page(corpus, client):
    old, new = Document.objects.filter(clauses__isnull=False).order_by("pk").distinct()[:2]
    new.previous_version = old
    new.save()
    page = client.get(new.get_absolute_url()).content.decode()
    assert f'上一版本：<a href="{old.get_absolute_url()}">' in page
    assert client.get(f"/api/documents/{old.pk}").json()["later_versions"] == [new.pk]
    curation.set_review_state([old], Document.ReviewState.WITHDRAWN)
    page = client.get(new.get_absolute_url()).content.decode()
    assert "上一版本" not in page and old.get_absolute_url() not in page
    assert client.get(f"/api/documents/{new.pk}").json()["previous_version"] is None
    # And the other way round: a withdrawn successor is not announced.
    curation.set_review_state([old], Document.ReviewState.PUBLISHED)
    curation.set_review_state([new], Document.ReviewState.WITHDRAWN)
    page = client.get(old.get_absolute_url()).content.decode()
    assert "本文件已有新版本" not in page
    assert client.get(f"/api/documents/{old.pk}").json()["later_versions"] == []


def test_bulk_category_is_the_curators_and_reaches_the_facets(corpus, client, curator_client):
    clauses = list(Clause.objects.filter(needs_review=True).order_by("pk")[:3])
    assert clauses, "the sample has clauses the model is unsure of"
    target = 13
    before = api(client, category=target)["count"]
    moved = sum(1 for c in clauses if c.category_id != target)
    response = curator_client.post(
        "/admin/catalog/clause/",
        {
            "action": "set_category",
            "category": target,
            "_selected_action": [c.pk for c in clauses],
        },
    )
    assert response.status_code == 302
    for clause in clauses:
        clause.refresh_from_db()
        assert clause.category_id == target
        assert clause.category_source == Clause.CategorySource.CURATOR
        assert not clause.needs_review
        change = clause.history.first()
        assert change.history_user.username == "curator"
        assert change.history_change_reason == "设置类别"
    assert api(client, category=target)["count"] == before + moved


def test_inline_category_edit_counts_as_the_curators(corpus, curator_client):
    document = document_with_clauses()
    page = curator_client.get(f"/admin/catalog/document/{document.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["issuers"] = [i.pk for i in document.issuers.all()]
    data["status"] = ["试行"]
    clauses = list(document.clauses.order_by("order"))
    data.update(
        {
            "clauses-TOTAL_FORMS": len(clauses),
            "clauses-INITIAL_FORMS": len(clauses),
            "clauses-MIN_NUM_FORMS": 0,
            "clauses-MAX_NUM_FORMS": 1000,
        }
    )
    for i, clause in enumerate(clauses):
        data.update(
            {
                f"clauses-{i}-id": clause.pk,
                f"clauses-{i}-document": document.pk,
                f"clauses-{i}-order": clause.order,
                f"clauses-{i}-number": clause.number,
                f"clauses-{i}-text": clause.text,
                f"clauses-{i}-category": clause.category_id or "",
                f"clauses-{i}-needs_review": "on" if clause.needs_review else "",
            }
        )
    new_category = 0 if clauses[0].category_id != 0 else 1
    data["clauses-0-category"] = new_category
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = curator_client.post(f"/admin/catalog/document/{document.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    first = Clause.objects.get(pk=clauses[0].pk)
    assert first.category_id == new_category
    assert first.category_source == Clause.CategorySource.CURATOR
    # The other clauses were not touched by the save.
    assert all(
        Clause.objects.get(pk=c.pk).category_source == c.category_source for c in clauses[1:]
    )


def test_review_queue_counts_on_the_admin_index(corpus, curator_client):
    page = curator_client.get("/admin/").content.decode()
    assert "待处理" in page
    needs = Clause.objects.filter(needs_review=True).count()
    assert re.search(rf"待复核的条款[^<]*</a></th><td class=\"count\">{needs}<", page)
    unreviewed = Document.objects.filter(review_state="ingested").count()
    assert re.search(rf"待审核的文件</a></th><td class=\"count\">{unreviewed}<", page)
    listing = curator_client.get("/admin/catalog/document/", {"queue": "no_region"})
    assert listing.status_code == 200
    shown = listing.context["cl"].result_count
    assert shown == Document.objects.filter(region=None).count()


def test_merging_duplicates_keeps_the_fuller_copy(corpus):
    full = document_with_clauses()
    excerpt = Document.objects.create(
        title=full.title,
        doc_number="测〔2024〕1号",
        source_name="newsletter.txt",
        source_sha256="0" * 64,
    )
    excerpt.clauses.create(order=0, text=full.clauses.first().text)
    kept = curation.merge_duplicates([excerpt, full])
    assert kept == full
    excerpt.refresh_from_db()
    assert excerpt.duplicate_of == full
    assert excerpt.review_state == Document.ReviewState.WITHDRAWN
    assert excerpt.history.first().history_change_reason == f"合并重复文件：并入 #{full.pk}"
    assert full.history.first().history_change_reason == "合并重复文件：保留此份"
    # What only the excerpt knew is kept, unless the full copy had it.
    full.refresh_from_db()
    assert full.doc_number in ("测〔2024〕1号", kept.doc_number)


def test_split_and_merge_clauses_keep_the_order(corpus):
    document = document_with_clauses()
    clauses = list(document.clauses.order_by("order"))
    first = clauses[0]
    parts = ["第一部分。", "第二部分。", "第三部分。"]
    curation.split_clause(first, parts)
    texts = list(document.clauses.order_by("order").values_list("text", flat=True))
    assert texts[:3] == parts
    assert texts[3:] == [c.text for c in clauses[1:]]
    new = list(document.clauses.order_by("order")[:3])
    assert all(c.needs_review for c in new[1:])
    assert [c.history.first().history_change_reason for c in new] == [
        "拆分条款",
        f"拆分条款：自 #{first.pk} 拆出",
        f"拆分条款：自 #{first.pk} 拆出",
    ]
    merged = new[1].pk  # delete() clears it on the instance
    kept = curation.merge_clauses(new)
    assert kept.text == "\n".join(parts)
    assert kept.history.first().history_change_reason == "合并条款"
    gone = Clause.history.filter(id=merged, history_type="-").get()
    assert gone.history_change_reason == f"合并条款：并入 #{kept.pk}"
    assert list(document.clauses.order_by("order").values_list("text", flat=True))[1:] == [
        c.text for c in clauses[1:]
    ]


def test_split_view_in_the_admin(corpus, curator_client):
    clause = document_with_clauses().clauses.order_by("order").first()
    page = curator_client.get(f"/admin/catalog/clause/{clause.pk}/split/")
    assert page.status_code == 200
    refused = curator_client.post(f"/admin/catalog/clause/{clause.pk}/split/", {"text": "无空行"})
    assert "空行" in refused.content.decode()
    done = curator_client.post(
        f"/admin/catalog/clause/{clause.pk}/split/", {"text": "甲条文。\n\n乙条文。"}
    )
    assert done.status_code == 302
    assert clause.document.clauses.filter(text="乙条文。").exists()


@pytest.mark.parametrize("flag", ["试行", "征求意见稿"])
def test_status_filter_lists_the_documents_with_that_status(corpus, curator_client, flag):
    page = curator_client.get("/admin/catalog/document/", {"status_flag": flag})
    listed = {document.pk for document in page.context["cl"].result_list}
    expected = {d.pk for d in Document.objects.all() if flag in d.status}
    assert expected and listed == expected


def test_status_is_ticked_not_typed_and_keeps_its_order(corpus, curator_client):
    document = next(d for d in Document.objects.order_by("pk") if "试行" in d.status)
    document.status = ["试行", "征求意见稿", "修订稿"]  # the last set by hand, not one of ours
    document.save()
    url = f"/admin/catalog/document/{document.pk}/change/"
    page = curator_client.get(url)
    form = page.context["adminform"].form
    boxes = re.findall(
        r'<input type="checkbox" name="status" value="([^"]+)"[^>]*?( checked)?>',
        page.content.decode(),
    )
    assert dict(boxes) == {
        "征求意见稿": " checked",
        "草案": "",
        "试行": " checked",
        "暂行": "",
        "送审稿": "",
        "修订稿": " checked",
    }

    def save(status):
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update(issuers=[i.pk for i in document.issuers.all()], status=status)
        data.update({"clauses-TOTAL_FORMS": 0, "clauses-INITIAL_FORMS": 0})
        for key in ("region", "previous_version", "duplicate_of"):
            data[key] = getattr(data.get(key), "pk", data.get(key, ""))
        response = curator_client.post(url, {k: ("" if v is None else v) for k, v in data.items()})
        assert response.status_code == 302, response.context["adminform"].form.errors
        document.refresh_from_db()
        return document.status

    # Saved as it was, in its order: no change of 状态 in the history.
    saved_before = document.history.count()
    assert save(["征求意见稿", "修订稿", "试行"]) == ["试行", "征求意见稿", "修订稿"]
    assert document.history.first().diff_against(document.history.all()[1]).changes == []
    assert document.history.count() == saved_before + 1
    # Untick one, tick another: the new one goes last.
    assert save(["试行", "暂行", "修订稿"]) == ["试行", "修订稿", "暂行"]


def test_history_records_and_reverts_a_title_change(corpus, client, curator_client):
    document = document_with_clauses()
    original = document.title
    document.title = "错误的标题数据治理"
    document.save()
    assert api(client, q="错误的标题", scope="title")["count"] == document.clauses.count()
    history = curator_client.get(f"/admin/catalog/document/{document.pk}/history/")
    assert history.status_code == 200
    earliest = document.history.order_by("history_date").first()
    assert earliest.title == original
    # Reverting is saving the historical version's form.
    revert_url = f"/admin/catalog/document/{document.pk}/history/{earliest.history_id}/"
    page = curator_client.get(revert_url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["issuers"] = [i.pk for i in document.issuers.all()]
    data["status"] = []
    for key in ("region", "previous_version", "duplicate_of"):
        if hasattr(data.get(key), "pk"):
            data[key] = data[key].pk
    response = curator_client.post(revert_url, data)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == original
    assert api(client, q="错误的标题", scope="title")["count"] == 0
    # The history page says, in Chinese, what each change was.
    assert document.history.first().history_change_reason == "恢复到历史版本"
    assert earliest.history_change_reason == f"入库：{document.source_name}"
    history = curator_client.get(f"/admin/catalog/document/{document.pk}/history/").content.decode()
    assert "修改内容" in history and "恢复到历史版本" in history


def test_roles(corpus, client):
    operator = User.objects.create_user("operator", password="pw", is_staff=True)
    operator.groups.add(Group.objects.get(name="operator"))
    client.force_login(operator)
    document = document_with_clauses()
    assert client.get("/admin/ingest/ingestjob/").status_code == 200
    # Operators may look at documents but not change them.
    response = client.post(
        "/admin/catalog/document/", {"action": "withdraw", "_selected_action": [document.pk]}
    )
    document.refresh_from_db()
    assert document.review_state == Document.ReviewState.INGESTED
    assert client.get("/admin/catalog/clause/").status_code == 403
    client.logout()
    assert client.get("/admin/").status_code == 302
    assert response.status_code in (200, 302, 403)


def test_duplicates_are_detected_across_scripts_and_listed(corpus, curator_client):
    from policybase.catalog.review import documents_in

    full = document_with_clauses()
    copy = Document.objects.create(
        title=" ".join(full.title) + "。",  # spaced out, as a newsletter might print it
        source_name="newsletter.txt",
        source_sha256="1" * 64,
    )
    assert {full.pk, copy.pk} <= set(documents_in("duplicates").values_list("pk", flat=True))
    listing = curator_client.get("/admin/catalog/document/", {"queue": "duplicates"})
    assert copy.title in listing.content.decode()
    curation.merge_duplicates([copy, full])
    assert copy.pk not in set(documents_in("duplicates").values_list("pk", flat=True))


def test_the_clause_list_names_candidates_in_a_fixed_number_of_queries(
    corpus, curator_client, django_assert_max_num_queries
):
    # One query for the category names of the page, not one per row.
    assert Clause.objects.count() > 50
    with django_assert_max_num_queries(15):
        page = curator_client.get("/admin/catalog/clause/")
    rows = page.context["cl"].result_list
    assert len(rows) > 50
    first = next(clause for clause in rows if clause.top)
    names = dict(Category.objects.values_list("id", "name"))
    html = page.content.decode()
    assert "；".join(f"{names[c]} {p:.2f}" for c, p in first.top) in html
    assert f'<td class="field-confidence_shown">{first.confidence:.2f}</td>' in html
