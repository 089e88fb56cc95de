"""The organization tree's first token (reports.figures.TREE): a random number, so that the
trees the progress report keeps in a process (targets/placement.py) have a token to be kept
under from the start; every later change of the tree writes a new one."""

import secrets

from django.db import migrations


def first_token(apps, schema_editor):  # type: ignore[no-untyped-def]
    FigureStamp = apps.get_model("reports", "FigureStamp")
    FigureStamp.objects.update_or_create(unit="tree", defaults={"version": secrets.randbits(62)})


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_admission_figures"),
    ]

    operations = [
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
