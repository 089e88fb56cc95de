"""The audit chain becomes keyed (HMAC-SHA256 with settings.AUDIT_KEY, issue 18).

Entries written before were linked by plain SHA-256. This walks the chain once: each entry
whose plain hash is intact is linked again with the key; at the first entry that does not
verify the walk stops, and that entry and all later ones keep their old hashes, so that
`audit verify` still reports the same break instead of the upgrade hiding it. The digests
here are frozen copies: later changes to accounts.audit must not change this migration."""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations


def _payload(prev_hash, e):
    return json.dumps(
        [
            prev_hash,
            e.seq,
            e.at.isoformat(),
            e.actor_id,
            e.actor_name,
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            e.changes,
        ],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    ).encode()


def _plain(prev_hash, e):
    return hashlib.sha256(_payload(prev_hash, e)).hexdigest()


def _keyed(prev_hash, e):
    return hmac.new(settings.AUDIT_KEY, _payload(prev_hash, e), hashlib.sha256).hexdigest()


def _relink(apps, schema_editor, old, new):
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    AuditHead = apps.get_model("accounts", "AuditHead")
    db = schema_editor.connection.alias
    prev_old = prev_new = "0" * 64
    expected = 1
    batch = []
    for e in AuditEntry.objects.using(db).order_by("seq").iterator(chunk_size=2000):
        if e.seq != expected or e.prev_hash != prev_old or old(prev_old, e) != e.hash:
            break  # the break stays where it is, for verify to report
        prev_old = e.hash
        e.prev_hash = prev_new
        e.hash = prev_new = new(prev_new, e)
        batch.append(e)
        expected += 1
        if len(batch) >= 2000:
            AuditEntry.objects.using(db).bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        AuditEntry.objects.using(db).bulk_update(batch, ["prev_hash", "hash"])
    head = AuditHead.objects.using(db).filter(pk=1).first()
    if head is not None and head.seq == expected - 1 and head.last_hash == prev_old:
        head.last_hash = prev_new
        head.save(update_fields=["last_hash"])


def forwards(apps, schema_editor):
    _relink(apps, schema_editor, _plain, _keyed)


def backwards(apps, schema_editor):
    _relink(apps, schema_editor, _keyed, _plain)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
