"""The built-in audit rules as their first stored versions (rules are data)."""

from dataclasses import asdict

from django.db import migrations


def add_rules(apps, schema_editor):
    from qinqing.medinsure.audit.rules import DEFAULT_RULES

    AuditRule = apps.get_model("medinsure", "AuditRule")
    for rule in DEFAULT_RULES:
        data = asdict(rule)
        AuditRule.objects.get_or_create(
            key=data.pop("key"), version=data.pop("version"), defaults=data
        )


class Migration(migrations.Migration):
    dependencies = [("medinsure", "0001_initial")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
