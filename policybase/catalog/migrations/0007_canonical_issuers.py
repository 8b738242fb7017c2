"""Issuers stored before ingestion folded their names (國家數據局, 国家网信办)
take the canonical name, and two rows for one organisation become one.

The search index still holds the old names for the documents concerned:
``manage.py reconcile_index`` (nightly in deploy/) rewrites them.
"""

from django.db import migrations

from policybase.text.issuers import canonical_issuer


def merge_issuers(apps, schema_editor):
    Issuer = apps.get_model("catalog", "Issuer")
    through = apps.get_model("catalog", "Document").issuers.through
    for issuer in Issuer.objects.order_by("pk"):
        name = canonical_issuer(issuer.name)[:128]
        if name == issuer.name:
            continue
        kept = Issuer.objects.filter(name=name).first()
        if kept is None:
            issuer.name = name
            issuer.save(update_fields=["name"])
            continue
        for link in through.objects.filter(issuer_id=issuer.pk):
            if through.objects.filter(document_id=link.document_id, issuer_id=kept.pk).exists():
                link.delete()
            else:
                link.issuer_id = kept.pk
                link.save(update_fields=["issuer"])
        if kept.region_id is None and issuer.region_id is not None:
            kept.region_id = issuer.region_id
            kept.save(update_fields=["region"])
        issuer.delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_groups")]

    operations = [migrations.RunPython(merge_issuers, migrations.RunPython.noop)]
