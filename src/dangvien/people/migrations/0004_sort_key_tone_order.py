"""Every stored Person.sort_key recomputed: the tones are now ordered ngang, huyền, sắc, hỏi,
ngã, nặng (issue 23), where they were ngang, huyền, hỏi, ngã, sắc, nặng.

Not atomic: the people are updated 2,000 at a time, each batch in its own transaction, so a
nation's 5.6 million rows do not make one transaction; an interrupted run leaves some keys
old and some new, and running `migrate` again recomputes them all (the migration is only
recorded once every batch is done)."""

from django.db import migrations, transaction

from dangvien.core.text import vietnamese_sort_key

BATCH = 2000


def recompute(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("people", "Person")
    last = 0
    while True:
        rows = list(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "full_name", "sort_key")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        changed = [
            Person(pk=pk, sort_key=key) for pk, name, old in rows if (key := vietnamese_sort_key(name)) != old
        ]
        with transaction.atomic(using=schema_editor.connection.alias):
            Person.objects.bulk_update(changed, ["sort_key"], batch_size=500)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("people", "0003_fewer_indexes")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
