import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.accounts.audit import audit_verify
from dangvien.accounts.models import AuditEntry
from dangvien.members.models import EventKind
from dangvien.members.services import member_record_event

from .conftest import register

pytestmark = pytest.mark.django_db


def test_every_service_write_leaves_one_entry_with_the_actor(tree, users):
    before = AuditEntry.objects.count()
    m = register(tree.xa_c1, card="1")
    member_record_event(
        actor=users.bithu1, membership=m, kind=EventKind.TEMP_EXEMPTED, on=dt.date(2024, 1, 1)
    )
    entries = list(AuditEntry.objects.order_by("seq"))[before:]
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
    victim = AuditEntry.objects.order_by("seq")[2]
    AuditEntry.objects.filter(pk=victim.pk).update(actor_name="someone-else")
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq and "bị sửa" in result.reason
    with pytest.raises(CommandError, match=f"mục #{victim.seq} đã bị sửa"):
        call_command("audit", "verify")


def test_the_chain_finds_a_removed_row(tree):
    register(tree.xa_c1, card="1")
    victim = AuditEntry.objects.order_by("seq")[1]
    AuditEntry.objects.filter(pk=victim.pk).delete()
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq and "bị xóa" in result.reason


def test_removing_the_last_rows_is_found_too(tree):
    register(tree.xa_c1, card="1")
    last = AuditEntry.objects.order_by("-seq").first()
    AuditEntry.objects.filter(pk=last.pk).delete()
    assert not audit_verify().ok


def test_writes_in_the_django_admin_reach_the_audit_chain(client, users, tree):
    client.force_login(users.admin)
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
