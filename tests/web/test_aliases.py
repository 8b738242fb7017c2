"""Policy short names (数据二十条) on the real sample: the search finds the
clauses that cite the policy and the policy itself; curators keep the list."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from policybase.catalog.models import Document, PolicyAlias
from policybase.web.document import short_names

from .conftest import api

TITLE = "关于构建数据基础制度更好发挥数据要素作用的意见"

POLICY = f"""中共中央 国务院{TITLE}

数据作为新型生产要素，是数字化、网络化、智能化的基础。

一、总体要求

（一）指导思想。以习近平新时代中国特色社会主义思想为指导，构建适应数据特征的数据基础制度。

二、建立保障权益、合规使用的数据产权制度

（二）探索数据产权结构性分置制度。建立公共数据、企业数据、个人数据的分类分级确权授权制度。
"""


@pytest.mark.django_db
def test_the_names_analysts_use_are_there_after_migrate():
    names = dict(PolicyAlias.objects.values_list("name", "title"))
    assert names["数据二十条"] == TITLE
    assert names["个保法"] == "个人信息保护法"


def test_a_short_name_finds_the_clauses_citing_the_policy_and_the_policy(
    client, admin_client, corpus, tmp_path
):
    cited = api(client, q=f'"{TITLE}"')
    assert cited["count"] >= 1  # the newsletter (002) cites it
    assert api(client, q="数据二十条")["count"] == cited["count"]

    policy = tmp_path / "数据二十条.txt"
    policy.write_text(POLICY, encoding="utf-8")
    call_command("ingest", str(policy), stdout=None)
    found = api(client, q="数据二十条")
    # The title as printed names its issuers: 中共中央 国务院关于构建…的意见.
    own = [hit for hit in found["results"] if hit["title"].endswith(TITLE)]
    assert len(own) == 3  # every clause of the policy, by its title
    assert found["count"] == cited["count"] + len(own)
    assert found["notes"] == [f"“数据二十条”即《{TITLE}》：已一并检索提到它的条款和这份文件。"]
    # With another word, both must match as ever.
    assert api(client, q="数据二十条 确权授权")["count"] == 1
    # The admin's list of short names finds the policy in the base.
    listing = admin_client.get("/admin/catalog/policyalias/").content.decode()
    assert '1 份 · <a href="/?q=%E6%95%B0%E6%8D%AE%E4%BA%8C%E5%8D%81%E6%9D%A1">' in listing
    # The policy's page names it by its short names, each a search.
    page = client.get(Document.objects.get(title__endswith=TITLE).get_absolute_url())
    assert '<th>简称</th><td><a href="/?q=%E6%95%B0%E6%8D%AE20%E6%9D%A1"' in page.content.decode()


def test_a_short_name_belongs_to_the_titles_that_end_with_its_title():
    aliases = {"数安法": "数据安全法", "网安法": "网络安全法"}
    assert short_names("中华人民共和国數據安全法", aliases) == ["数安法"]
    assert short_names("网络安全法（2016年）", aliases) == ["网安法"]
    assert short_names("网络安全法实施条例", aliases) == []


def test_curators_keep_the_list_and_a_name_with_a_space_is_refused(client, db):
    curator = User.objects.create_user("curator", password="pw", is_staff=True)
    curator.groups.add(Group.objects.get(name="curator"))
    client.force_login(curator)
    response = client.post(
        "/admin/catalog/policyalias/add/", {"name": "数据 条例", "title": "某某数据条例"}
    )
    assert response.status_code == 200
    assert "简称不能含空格" in response.content.decode()
    response = client.post(
        "/admin/catalog/policyalias/add/", {"name": "沪数据条例", "title": "上海市数据条例"}
    )
    assert response.status_code == 302
    assert PolicyAlias.objects.get(name="沪数据条例").title == "上海市数据条例"
    # The list says whether each policy is in the base, and links its search.
    listing = client.get("/admin/catalog/policyalias/").content.decode()
    assert (
        '0 份 · <a href="/?q=%E6%B2%AA%E6%95%B0%E6%8D%AE%E6%9D%A1%E4%BE%8B">检索“沪数据条例”</a>'
        in listing
    )
