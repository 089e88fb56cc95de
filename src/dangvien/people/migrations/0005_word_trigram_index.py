"""PostgreSQL only: the trigram index of a person's folded name moves to the expression a
search by words reads, ' ' || name_search (core.lookups.WordPrefix). The old index on the
bare column served `LIKE '%…%'`, which no query sends any more; keeping both would double
the index work of every import. Built CONCURRENTLY would need a non-atomic migration on a
live table; a nation's 5.6 million names index in about a minute, inside the upgrade's
maintenance window (README, production)."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS people_person_words_trgm ON people_person"
        " USING gin ((' ' || name_search) gin_trgm_ops)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS people_person_name_trgm")


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS people_person_name_trgm ON people_person USING gin (name_search gin_trgm_ops)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS people_person_words_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_sort_key_tone_order")]
    operations = [migrations.RunPython(forwards, backwards)]
