"""Category 14 非政策工具 (slug ``structural``, no group): clauses that use no
policy instrument (DESIGN §2, issue 25). Ids 0–13 stay as they are."""

from django.db import migrations, models


def add_structural(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Category.objects.update_or_create(
        id=14, defaults={"slug": "structural", "name": "非政策工具", "group": ""}
    )


def remove_structural(apps, schema_editor):
    # Clauses labelled 14 lose their category rather than block the rollback.
    apps.get_model("catalog", "Clause").objects.filter(category_id=14).update(category=None)
    apps.get_model("catalog", "Category").objects.filter(id=14).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_legislative_history")]

    operations = [
        migrations.AlterField(
            model_name="category",
            name="group",
            field=models.CharField(
                blank=True,
                choices=[("supply", "供给型"), ("environment", "环境型"), ("demand", "需求型")],
                max_length=16,
                verbose_name="类型",
            ),
        ),
        migrations.RunPython(add_structural, remove_structural),
    ]
