"""PostgreSQL only: trigram index so that a name search without diacritics
(LIKE '%...%') does not scan the table, and pattern-ops indexes so that subtree prefix
queries use an index whatever the database's collation. SQLite needs neither."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS people_person_name_trgm ON people_person USING gin (name_search gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgs_org_path_pattern ON orgs_organization (path varchar_pattern_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgs_orgversion_path_pattern ON orgs_orgversion (path varchar_pattern_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS members_card_pattern ON members_membership (card_number varchar_pattern_ops)"
    )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in (
        "people_person_name_trgm",
        "orgs_org_path_pattern",
        "orgs_orgversion_path_pattern",
        "members_card_pattern",
    ):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("orgs", "0001_initial"), ("members", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
