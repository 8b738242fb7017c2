"""The 14 policy-instrument categories of DESIGN §2; ids are the seed labels."""

from django.db import migrations

CATEGORIES = [
    (0, "talent", "人才培养", "supply"),
    (1, "funding", "资金投入", "supply"),
    (2, "technology", "技术支持", "supply"),
    (3, "public_service", "公共服务", "supply"),
    (4, "infrastructure", "基础设施建设", "supply"),
    (5, "planning", "目标规划", "environment"),
    (6, "regulation", "法规管制", "environment"),
    (7, "finance", "金融支持", "environment"),
    (8, "strategic", "税收优惠与策略性措施", "environment"),
    (9, "property_rights", "产权保护", "environment"),
    (10, "procurement", "政府采购", "demand"),
    (11, "cooperation", "公私合作", "demand"),
    (12, "demonstration", "示范应用", "demand"),
    (13, "publicity", "宣传推广与需求引导", "demand"),
]


def load(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    for pk, slug, name, group in CATEGORIES:
        Category.objects.update_or_create(id=pk, defaults={"slug": slug, "name": name, "group": group})


def unload(apps, schema_editor):
    apps.get_model("catalog", "Category").objects.filter(id__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
