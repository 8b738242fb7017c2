"""The curators' 存疑阈值 in the admin, and the review queue by today's rule:
a clause in doubt whose two candidates a curator can decide between."""

from django.conf import settings
from django.contrib.auth.management import create_permissions

import django.core.validators
import policybase.catalog.models
from django.db import migrations, models


BATCH = 2000


def reflag(apps, schema_editor):
    """Flag the model-labelled clauses by the rule of issue 25; the pure rule
    is imported, the rows are the migration's own."""
    from policybase.catalog.review import worth_reviewing

    Clause = apps.get_model("catalog", "Clause")
    clauses = Clause.objects.filter(category_source="model").order_by("pk")
    last_pk = 0
    while batch := list(clauses.filter(pk__gt=last_pk).only("pk", "top")[:BATCH]):
        last_pk = batch[-1].pk
        flagged = {c.pk for c in batch if worth_reviewing(c.top, settings.CLASSIFIER_REVIEW_CONFIDENCE)}
        Clause.objects.filter(pk__in=flagged).update(needs_review=True)
        Clause.objects.filter(pk__in={c.pk for c in batch} - flagged).update(needs_review=False)


def curators_set_it(apps, schema_editor):
    """The curator group may view and change the 存疑阈值."""
    catalog = apps.get_app_config("catalog")
    catalog.models_module = True
    create_permissions(catalog, apps=apps, verbosity=0)
    catalog.models_module = None
    rights = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="catalog",
        codename__in=["view_classifiersettings", "change_classifiersettings", "add_classifiersettings"],
    )
    for group in apps.get_model("auth", "Group").objects.filter(name="curator"):
        group.permissions.add(*rights)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0011_structural_category'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClassifierSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('doubt_below', models.FloatField(default=policybase.catalog.models.default_doubt_below, help_text='模型置信度低于此值的条款显示两个最可能的政策工具（如“资金投入 / 金融支持”），并在审核员能作出判断时进入待复核队列。保存后立即重新标记全部模型标注的条款。', validators=[django.core.validators.MinValueValidator(0.0), django.core.validators.MaxValueValidator(1.0)], verbose_name='存疑阈值')),
            ],
            options={
                'verbose_name': '分类显示设置',
                'verbose_name_plural': '分类显示设置',
            },
        ),
        migrations.RunPython(reflag, migrations.RunPython.noop),
        migrations.RunPython(curators_set_it, migrations.RunPython.noop),
    ]
