"""The two staff roles: curators keep the catalogue right, operators run ingestion."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "curator": {
        "catalog": {
            "document": ["view", "change"],
            "clause": ["view", "change", "delete"],
            "issuer": ["view", "add", "change"],
            "region": ["view"],
            "category": ["view"],
            "historicaldocument": ["view"],
            "historicalclause": ["view"],
        },
        "ingest": {"modelversion": ["view"], "ingestjob": ["view"]},
    },
    "operator": {
        "catalog": {"document": ["view"]},
        "ingest": {"ingestjob": ["view", "add", "change"], "modelversion": ["view"]},
    },
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, models in grants.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, codename__in=codenames
                    )
                )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_curation"),
        ("ingest", "0002_model_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
