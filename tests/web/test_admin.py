"""The admin is registered and closed to anonymous users."""

import pytest

from policybase.catalog.models import Category, Issuer


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get("/admin/catalog/document/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/catalog/document/",
        "/admin/catalog/clause/",
        "/admin/ingest/ingestjob/",
        "/admin/catalog/category/",
    ],
)
def test_staff_see_the_catalogue_in_chinese(admin_client, url):
    # Even from an English browser: Django's own words too, not a mix.
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    page = response.content.decode()
    assert "PolicyBase 管理" in page
    assert "注销" in page and "Log out" not in page


def test_the_fifteen_categories_are_loaded_by_migration(db):
    # The 14 instruments keep their ids; 14 非政策工具 has no group.
    assert Category.objects.count() == 15
    assert Category.objects.get(pk=7).name == "金融支持"
    structural = Category.objects.get(pk=14)
    assert (structural.slug, structural.name, structural.group) == ("structural", "非政策工具", "")
    assert list(Category.objects.instruments().values_list("pk", flat=True)) == list(range(14))


def test_an_issuer_typed_in_the_admin_is_folded_like_an_ingested_one(admin_client):
    response = admin_client.post("/admin/catalog/issuer/add/", {"name": " 國家網信辦 "})
    assert response.status_code == 302
    assert list(Issuer.objects.values_list("name", flat=True)) == ["国家互联网信息办公室"]

    response = admin_client.post("/admin/catalog/issuer/add/", {"name": "国家网信办"})
    assert response.status_code == 200
    assert "已有发文机关“国家互联网信息办公室”" in response.content.decode()
    assert Issuer.objects.count() == 1


def test_renaming_an_issuer_keeps_it_and_folds_the_new_name(admin_client):
    issuer = Issuer.objects.create(name="工信部办公厅")
    response = admin_client.post(f"/admin/catalog/issuer/{issuer.pk}/change/", {"name": "工信部"})
    assert response.status_code == 302
    issuer.refresh_from_db()
    assert issuer.name == "工业和信息化部"
