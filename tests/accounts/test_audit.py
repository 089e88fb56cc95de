import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from dangvien.accounts.audit import audit_log, audit_seal, audit_verify
from dangvien.accounts.models import AuditEntry, AuditHead
from dangvien.members.models import EventKind, Membership
from dangvien.members.services import member_record_event

from ..conftest import register, sign_in_verified

pytestmark = pytest.mark.django_db


def test_every_service_write_leaves_one_entry_with_the_actor(tree, users):
    before = AuditEntry.objects.count()
    m = register(tree.xa_c1, card="1")
    member_record_event(
        actor=users.bithu1, membership=m, kind=EventKind.TEMP_EXEMPTED, on=dt.date(2024, 1, 1)
    )
    entries = list(AuditEntry.objects.order_by("id"))[before:]
    assert [e.action for e in entries] == ["members.register", "members.event.temp_exempted"]
    assert entries[1].actor_name == "bithu1" and entries[1].object_id == str(m.pk)


def test_sensitive_fields_are_masked(tree):
    register(tree.xa_c1, card="1", cccd="001090012345")
    entry = AuditEntry.objects.filter(action="members.register").get()
    assert "001090012345" not in str(entry.changes)
    assert entry.changes["cccd"].startswith("001") and "*" in entry.changes["cccd"]


def test_the_chain_verifies_and_finds_an_altered_row(tree):
    register(tree.xa_c1, card="1")
    assert audit_verify().ok
    victim = AuditEntry.objects.order_by("id")[2]
    AuditEntry.objects.filter(pk=victim.pk).update(actor_name="someone-else")
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq and "bị sửa" in result.reason
    with pytest.raises(CommandError, match=f"mục #{victim.seq} đã bị sửa"):
        call_command("audit", "verify")


def test_the_chain_finds_a_removed_row(tree):
    register(tree.xa_c1, card="1")
    audit_seal()  # what follows every commit (a test's writes never commit)
    victim = AuditEntry.objects.order_by("id")[1]
    AuditEntry.objects.filter(pk=victim.pk).delete()
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq and "bị xóa" in result.reason


def test_removing_the_last_rows_is_found_too(tree):
    register(tree.xa_c1, card="1")
    audit_seal()
    last = AuditEntry.objects.order_by("-id").first()
    AuditEntry.objects.filter(pk=last.pk).delete()
    assert not audit_verify().ok


def test_writes_in_the_django_admin_reach_the_audit_chain(client, users, tree):
    sign_in_verified(client, users.admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "moi",
            "password1": "mot-mat-khau-rat-dai-2026",
            "password2": "mot-mat-khau-rat-dai-2026",
            "usable_password": "true",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(action="admin.add").get()
    assert entry.actor_name == "admin" and entry.changes["object"] == "moi"
    assert audit_verify().ok


def _rewrite_without_the_key(from_seq: int) -> None:
    """What an attacker with write access to the database does: change entry #from_seq and
    recompute every later hash and the head, with a key they guess."""
    from dangvien.accounts.audit import chain_digest
    from dangvien.accounts.models import AuditHead

    entries = list(AuditEntry.objects.order_by("id"))
    prev = entries[from_seq - 2].hash if from_seq > 1 else "0" * 64
    for e in entries[from_seq - 1 :]:
        if e.seq == from_seq:
            e.changes = {**e.changes, "cell": "KHAC"}
        e.prev_hash = prev
        e.hash = prev = chain_digest(b"guessed-key", prev, e)
        AuditEntry.objects.filter(pk=e.pk).update(prev_hash=e.prev_hash, hash=e.hash, changes=e.changes)
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_entry_50_changed_and_every_hash_recomputed_without_the_key_is_found(tree):
    letters = "ABCDEGHIKLMNOPQRSTUVXY"
    for i in range(50):
        register(tree.xa_c1, f"Nguyễn Văn {letters[i % 22]} {letters[i // 22]}", card=str(100 + i))
    assert AuditEntry.objects.count() >= 50 and audit_verify().ok
    _rewrite_without_the_key(50)
    result = audit_verify()
    assert not result.ok and result.broken_seq == 50 and "bị sửa" in result.reason


def test_an_anchor_finds_a_log_cut_back_and_regrown(tree, settings, capsys):
    register(tree.xa_c1, card="1")
    call_command("audit", "anchor")
    line = capsys.readouterr().out.splitlines()[0]
    head = AuditEntry.objects.order_by("-id").first()
    assert line.startswith(f"dangvien-audit seq={head.seq} hash={head.hash} at=")
    assert settings.AUDIT_ANCHOR_FILE.read_text().strip() == line
    assert settings.AUDIT_ANCHOR_FILE.stat().st_mode & 0o777 == 0o600
    register(tree.xa_c2, "Lê Văn Sau", card="2")
    assert audit_verify().ok  # the chain goes on past the anchor
    # Cut back to before the anchor: the chain itself still links, the anchor does not.
    from dangvien.accounts.models import AuditHead

    last = AuditEntry.objects.filter(seq__lt=head.seq).order_by("-id").first()
    AuditEntry.objects.filter(seq__gte=head.seq).delete()
    AuditHead.objects.filter(pk=1).update(seq=last.seq, last_hash=last.hash)
    result = audit_verify()
    assert not result.ok and result.broken_seq == head.seq and "cắt bớt" in result.reason
    with pytest.raises(CommandError, match="cắt bớt"):
        call_command("audit", "verify")


def test_the_upgrade_relinks_an_intact_plain_chain_and_keeps_a_break_where_it_was(tree):
    """Migration accounts/0003 on a log written before the key: run backwards (to plain
    SHA-256), break one entry, run forwards: the break is still reported at that entry."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps as global_apps
    from django.db import connection

    register(tree.xa_c1, card="1")
    register(tree.xa_c2, "Lê Văn Sau", card="2")
    audit_seal()
    mig = importlib.import_module("dangvien.accounts.migrations.0003_audit_keyed_chain")
    editor = SimpleNamespace(connection=connection)  # the data migration reads only its alias
    mig.backwards(global_apps, editor)
    assert not audit_verify().ok  # plain hashes do not pass the keyed check
    mig.forwards(global_apps, editor)
    assert audit_verify().ok
    mig.backwards(global_apps, editor)
    victim = AuditEntry.objects.order_by("id")[3]
    AuditEntry.objects.filter(pk=victim.pk).update(actor_name="ai-do")
    mig.forwards(global_apps, editor)
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq


def test_an_entry_put_in_without_the_key_is_never_sealed_and_fails_the_check(tree):
    register(tree.xa_c1, card="1")
    audit_seal()
    forged = AuditEntry.objects.create(
        seq=None,
        at=timezone.now(),
        actor_name="system",
        action="members.register",
        prev_hash="",
        hash="0" * 64,
    )
    assert audit_seal() == 0
    forged.refresh_from_db()
    assert forged.seq is None
    result = audit_verify()
    assert not result.ok and f"id {forged.pk}" in result.reason and "bị chèn" in result.reason


@pytest.mark.django_db(transaction=True)
def test_each_commit_seals_its_entries_and_a_lost_seal_is_caught_up_by_the_next(tree):
    register(tree.xa_c1, card="1")
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    head = AuditHead.objects.get(pk=1)
    assert (
        head.seq == AuditEntry.objects.count() and head.last_hash == AuditEntry.objects.get(seq=head.seq).hash
    )
    # The process dies between a commit and its seal: the entry stays pending...
    with transaction.atomic():
        audit_log(actor=None, action="test.lost_seal")
        transaction.get_connection().run_on_commit.clear()
    assert AuditEntry.objects.get(action="test.lost_seal").seq is None
    # ...until the next commit anywhere seals it, before its own entry.
    register(tree.xa_c2, "Lê Văn Sau", card="2")
    lost = AuditEntry.objects.get(action="test.lost_seal")
    after = AuditEntry.objects.filter(action="members.register").order_by("-id").first()
    assert lost.seq is not None and after.seq == lost.seq + 1 and after.prev_hash == lost.hash
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_long_audited_transaction_does_not_block_a_short_write_elsewhere(tree):
    """Issue 20: every audited write used to wait on one row for the whole of the other
    writers' transactions. A transaction that has written its entry and stays open (a long
    import) must not hold up a write in another commune; lock_timeout turns a wait into an
    error rather than a slow pass."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time by design; concurrency is PostgreSQL's")
    written, release = threading.Event(), threading.Event()

    def long_writer() -> None:
        try:
            with transaction.atomic():
                register(tree.xa_c1, "Người Nhập Dài", card="1")
                written.set()
                release.wait(30)
        finally:
            connections.close_all()

    t = threading.Thread(target=long_writer)
    t.start()
    try:
        assert written.wait(10)
        with connection.cursor() as cur:
            cur.execute("SET lock_timeout = '3s'")
        short = register(tree.xb_c1, "Người Ghi Ngắn", card="2")  # commits and seals meanwhile
        with connection.cursor() as cur:
            cur.execute("SET lock_timeout = 0")
    finally:
        release.set()
        t.join(30)
    # Sealed in the order of the commits: the short write first, then the long one.
    registered = list(
        AuditEntry.objects.filter(action="members.register")
        .order_by("seq")
        .values_list("object_repr", flat=True)
    )
    assert registered[-2:] == [str(short), str(Membership.objects.get(card_number="1"))]
    assert audit_verify().ok


def _seals_asked() -> int:
    return sum(func is audit_seal for _sids, func, _robust in transaction.get_connection().run_on_commit)


@pytest.mark.django_db(transaction=True)
def test_a_transaction_of_many_entries_asks_for_one_seal_and_seals_them_all(tree):
    """The nation's organizations file wrote 102,737 entries in one transaction, and each
    asked for a seal after the commit: minutes of passes finding nothing to seal."""
    with transaction.atomic():
        for i in range(5):
            audit_log(actor=None, action=f"test.many.{i}")
        assert _seals_asked() == 1
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_seal_asked_for_in_a_savepoint_rolled_back_is_asked_for_again(tree):
    with transaction.atomic():
        audit_log(actor=None, action="test.outer")
        with transaction.atomic():  # a savepoint: the outer seal will serve it
            audit_log(actor=None, action="test.inner")
            assert _seals_asked() == 1
        try:
            with transaction.atomic():
                audit_log(actor=None, action="test.dropped")
                raise RuntimeError
        except RuntimeError:
            pass
        assert _seals_asked() == 1
    with transaction.atomic():
        try:
            with transaction.atomic():  # the first seal asked for inside a savepoint rolled back
                audit_log(actor=None, action="test.gone")
                assert _seals_asked() == 1
                raise RuntimeError
        except RuntimeError:
            pass
        assert _seals_asked() == 0
        audit_log(actor=None, action="test.after")
        assert _seals_asked() == 1
    assert set(AuditEntry.objects.filter(action__startswith="test.").values_list("action", flat=True)) == {
        "test.outer",
        "test.inner",
        "test.after",
    }
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_entries_written_in_savepoints_of_one_transaction_ask_for_one_seal(tree):
    """Each organization of a file is created in a savepoint of its own (org_create is
    atomic): the seal asked for in the first, released, still runs at the commit."""
    with transaction.atomic():
        for i in range(3):
            with transaction.atomic():
                audit_log(actor=None, action=f"test.saved.{i}")
        assert _seals_asked() == 1
    assert AuditEntry.objects.filter(action__startswith="test.saved.", seq__isnull=False).count() == 3
    assert audit_verify().ok
