"""Someone probing the site: script in queries, in stored policy text and in
highlights comes out inert everywhere; every form that changes something
wants its CSRF token; the admin is for staff; any API parameter gets 200 or
400, never 500; production settings pass ``check --deploy``."""

import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from policybase.catalog.models import Clause, Document
from policybase.headers import CONTENT_SECURITY_POLICY

from ..conftest import REPO, seed_path

HOSTILE_POLICY = """关于加强<script>alert('title')</script>数据安全管理的通知

各有关单位：

第一条 为加强数据安全<script>alert("body")</script>管理，制定本办法。
第二条 数据处理者应当落实"><img src=x onerror=alert(2)>安全责任，<iframe src="javascript:alert(3)"></iframe>建立制度。
第三条 本办法自发布之日起施行。

某某市数据局
2024年3月1日
"""
HOSTILE_QUERY = '"><script>alert(document.cookie)</script><img src=x onerror=alert(1)>'
WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"


class ActiveContent(HTMLParser):
    """Collects everything in a page that a browser would run or load from
    elsewhere: inline or other sites' scripts, frames, plug-ins, event handler
    attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"iframe", "frame", "object", "embed", "base"}:
            self.found.append(f"<{tag}>")
        if tag == "script":
            data_block = attrs.get("type") == "application/json"  # json_script: never run
            src = attrs.get("src") or ""
            same_origin = src.startswith("/") and not src.startswith("//")
            if not data_block and not same_origin:
                self.found.append(f"<script {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value}")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


@pytest.fixture
def hostile(search_index, media_dir, tmp_path):
    """A policy whose title and clauses carry markup, beside a real seed."""
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE_POLICY, encoding="utf-8")
    webpage = tmp_path / WEBPAGE
    webpage.write_bytes(seed_path(WEBPAGE).read_bytes())
    call_command("ingest", path, webpage, "--json", stdout=io.StringIO())
    document = Document.objects.get(title__contains="<script>")
    # The markup is policy text as far as ingestion knows: kept, to be escaped on output.
    assert Clause.objects.filter(document=document, text__contains="onerror=alert(2)").exists()
    return document


@pytest.fixture
def staff_client(db):
    user = User.objects.create_superuser("root", password="pw")
    client = Client()
    client.force_login(user)
    return client


def page(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, params, response.status_code)
    return response.content.decode()


def test_stored_markup_is_shown_as_text_on_every_page(hostile, client, staff_client):
    regions = ["国家", *{d.region.name for d in Document.objects.exclude(region=None)}]
    pages = {
        "search": page(client, "/", {"q": "数据安全"}),
        "search by document": page(client, "/", {"q": "数据安全", "group": "document"}),
        "title search": page(client, "/", {"q": "script", "scope": "title"}),
        "highlight inside the markup": page(client, "/", {"q": "onerror"}),
        "document": page(client, hostile.get_absolute_url()),
        "compare": page(client, "/compare/", {"q": "数据安全", "region": regions}),
        "statistics": page(client, "/stats/"),
        "admin document list": page(staff_client, "/admin/catalog/document/", {"q": "script"}),
        "admin document": page(staff_client, f"/admin/catalog/document/{hostile.pk}/change/"),
        "admin clauses": page(staff_client, "/admin/catalog/clause/", {"q": "alert"}),
        "admin index": page(staff_client, "/admin/"),
    }
    for name, html in pages.items():
        assert active_content(html) == [], name
    # The text is there, escaped, not dropped.
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in pages["document"]
    assert "<mark>onerror</mark>=alert(2)" in pages["highlight inside the markup"]
    assert "&lt;img src=x <mark>onerror</mark>=alert(2)&gt;" in pages["highlight inside the markup"]


def test_the_feed_and_the_exports_carry_the_markup_as_data(hostile, client):
    feed = client.get("/feed/", {"q": "onerror"})
    root = ET.fromstring(feed.content)  # well-formed: the markup is escaped XML text
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert entries and all("<iframe" not in ET.tostring(e, encoding="unicode") for e in entries)
    csv = client.get("/api/search", {"q": "onerror", "format": "csv"})
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "onerror=alert(2)" in body
    api = client.get("/api/search", {"q": "onerror"})
    assert api["Content-Type"].startswith("application/json")
    assert api.json()["count"] == 1


def test_a_hostile_query_is_echoed_inert(hostile, client):
    for url, params in [
        ("/", {"q": HOSTILE_QUERY}),
        ("/", {"q": HOSTILE_QUERY, "province": HOSTILE_QUERY, "date_from": HOSTILE_QUERY}),
        ("/", {"q": "数据", "issuer": HOSTILE_QUERY}),
        ("/compare/", {"q": HOSTILE_QUERY, "region": [HOSTILE_QUERY, "北京市"]}),
        ("/stats/", {"province": HOSTILE_QUERY}),
    ]:
        response = client.get(url, params)
        assert response.status_code in (200, 400), (url, params)
        html = response.content.decode()
        assert active_content(html) == [], (url, params)
        # Echoed (a 400 too says what it refused), as text.
        assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in html, (url, params)
    api = client.get("/api/search", {"q": HOSTILE_QUERY, "date_from": HOSTILE_QUERY})
    assert api.status_code == 400 and api["Content-Type"].startswith("application/json")


def test_every_page_sends_the_security_headers(hostile, client):
    for url in ["/", hostile.get_absolute_url(), "/stats/", "/compare/", "/admin/login/"]:
        response = client.get(url)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # The original file is always a download, never rendered by the site's origin.
    source = client.get(reverse("document-source", args=[hostile.pk]))
    assert source["Content-Disposition"].startswith("attachment")


def test_forms_that_change_something_want_their_csrf_token(hostile, db):
    User.objects.create_superuser("root", password="pw")
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/admin/login/", {"username": "root", "password": "pw"}).status_code == 403
    browser.force_login(User.objects.get(username="root"))
    clause = hostile.clauses.first()
    for url, data in [
        ("/admin/catalog/document/", {"action": "withdraw", "_selected_action": [hostile.pk]}),
        (f"/admin/catalog/document/{hostile.pk}/change/", {"title": "改过的标题"}),
        (f"/admin/catalog/clause/{clause.pk}/change/", {"text": "改过的条款"}),
        (f"/admin/catalog/clause/{clause.pk}/split/", {"text": "一\n\n二"}),
        ("/admin/ingest/ingestjob/upload/", {}),
        ("/admin/logout/", {}),
    ]:
        assert browser.post(url, data).status_code == 403, url
    hostile.refresh_from_db()
    assert hostile.review_state != Document.ReviewState.WITHDRAWN
    assert "<script>" in hostile.title
    # The pages that post carry the token.
    for url in ["/admin/ingest/ingestjob/upload/", f"/admin/catalog/clause/{clause.pk}/split/"]:
        assert 'name="csrfmiddlewaretoken"' in browser.get(url).content.decode(), url


ADMIN_PAGES = [
    "/admin/",
    "/admin/catalog/document/",
    "/admin/catalog/clause/",
    "/admin/catalog/issuer/",
    "/admin/ingest/ingestjob/",
    "/admin/ingest/ingestjob/upload/",
    "/admin/ingest/modelversion/",
    "/admin/ingest/websource/",
    "/admin/auth/user/",
    "/admin/django_celery_beat/periodictask/",
]


def test_the_admin_is_for_staff_only(hostile, client, staff_client):
    User.objects.create_user("analyst", password="pw")  # an account, but not staff
    analyst = Client()
    analyst.force_login(User.objects.get(username="analyst"))
    for url in ADMIN_PAGES + [f"/admin/catalog/document/{hostile.pk}/change/"]:
        assert staff_client.get(url).status_code == 200, url
        for visitor in (client, analyst):
            response = visitor.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url
    # Withdrawn documents are hidden from everyone but staff.
    hostile.review_state = Document.ReviewState.WITHDRAWN
    hostile.save()
    assert analyst.get(hostile.get_absolute_url()).status_code == 404
    assert staff_client.get(hostile.get_absolute_url()).status_code == 200


def test_curators_do_not_administer_accounts(hostile, db):
    curator = User.objects.create_user("curator", password="pw", is_staff=True)
    curator.groups.add(Group.objects.get(name="curator"))
    client = Client()
    client.force_login(curator)
    assert client.get("/admin/catalog/document/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


PARAMETERS = [
    "q", "scope", "sort", "group", "province", "city", "district", "level", "category",
    "doc_type", "status", "issuer", "date_from", "date_to", "effective_from", "effective_to",
    "page", "format", "region",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="数据安全税云（）〔〕\"'-*:^~\\/[]{}()<>&;%ORNTAD ", max_size=30),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["", "0", "-1", "2024-02-30", "2024-13-01", "9999-12-31", "NaN", "x" * 600]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.dictionaries(st.sampled_from(PARAMETERS), VALUES, max_size=6))
@example(params={"q": "\x08"})  # the Atom feed names its query; XML 1.0 has no \x08
def test_any_parameters_get_an_answer_never_a_server_error(hostile, client, params):
    params = {name: value.replace("\x00", "") for name, value in params.items()}
    api = client.get("/api/search", params)
    # 404: a page past the last one.
    assert api.status_code in (200, 400, 404), (params, api.content[:300])
    if params.get("format") not in ("csv", "xlsx") or api.status_code == 400:
        assert "count" in api.json() or "error" in api.json()
    for url in ["/", "/compare/", "/stats/", "/feed/"]:
        response = client.get(url, params)
        assert response.status_code in (200, 400, 404), (url, params, response.status_code)


def production_environment(data_dir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="policybase.settings",
        POLICYBASE_DATA_DIR=str(data_dir),
        SECRET_KEY="k" * 20 + "-a-long-random-production-secret-from-the-environment-" + "z" * 20,
        DJANGO_ALLOWED_HOSTS="policy.example.cn",
        POLICYBASE_HTTPS="1",
    )
    return env


def test_production_settings_pass_the_deployment_check(tmp_path):
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env=production_environment(tmp_path), capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_secrets_come_from_the_environment_or_a_private_file(tmp_path):
    env = production_environment(tmp_path)
    show = "from django.conf import settings; print(settings.SECRET_KEY)"
    run = [sys.executable, "-c", f"import django; django.setup(); {show}"]
    key = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert key.stdout.strip() == env["SECRET_KEY"]
    assert not (tmp_path / "secret_key").exists()
    # Without one (a laptop), a random key is made once for the data dir, readable by its owner only.
    del env["SECRET_KEY"]
    first = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    again = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert first.stdout == again.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.stdout.strip() not in (REPO / "policybase" / "settings.py").read_text()
