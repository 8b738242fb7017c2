"""The names analysts search national data policies by, and the curators'
right to keep the list.

Each title is the shortest form the policy is cited by, so that the phrase
also matches the full form: 数据安全法 is found in 《中华人民共和国数据安全法》
and in 《数据安全法》 alike.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALIASES = {
    "数据二十条": "关于构建数据基础制度更好发挥数据要素作用的意见",
    "数据20条": "关于构建数据基础制度更好发挥数据要素作用的意见",
    "数安法": "数据安全法",
    "网安法": "网络安全法",
    "个保法": "个人信息保护法",
    "关基条例": "关键信息基础设施安全保护条例",
    "网数条例": "网络数据安全管理条例",
    "入表规定": "企业数据资源相关会计处理暂行规定",
    "数据出境办法": "数据出境安全评估办法",
    "数字中国规划": "数字中国建设整体布局规划",
    "数字经济规划": "数字经济发展规划",
    "公共数据意见": "关于加快公共数据资源开发利用的意见",
}

CURATOR_RIGHTS = ["view", "add", "change", "delete"]


def add_aliases(apps, schema_editor):
    PolicyAlias = apps.get_model("catalog", "PolicyAlias")
    for name, title in ALIASES.items():
        PolicyAlias.objects.get_or_create(name=name, defaults={"title": title})
    # Permissions are normally created after all migrations; the group needs them now.
    catalog = apps.get_app_config("catalog")
    catalog.models_module = True
    create_permissions(catalog, apps=apps, verbosity=0)
    catalog.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = Permission.objects.filter(
        content_type__app_label="catalog",
        codename__in=[f"{right}_policyalias" for right in CURATOR_RIGHTS],
    )
    for group in Group.objects.filter(name="curator"):
        group.permissions.add(*rights)


def remove_aliases(apps, schema_editor):
    apps.get_model("catalog", "PolicyAlias").objects.filter(name__in=ALIASES).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_policy_alias")]

    operations = [migrations.RunPython(add_aliases, remove_aliases)]
