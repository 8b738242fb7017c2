"""The admin is registered and closed to anonymous users."""

import pytest

from policybase.catalog.models import Category


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
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "PolicyBase 管理" in response.content.decode()


def test_the_fourteen_categories_are_loaded_by_migration(db):
    assert Category.objects.count() == 14
    assert Category.objects.get(pk=7).name == "金融支持"
