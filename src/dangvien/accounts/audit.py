"""The audit log: one entry per service call, hash-chained so that an altered or removed
row is found by `dangvien audit verify`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from dangvien.accounts.models import AuditEntry, AuditHead, User

# Never written in clear into the log: it is read by more people than the records are.
SENSITIVE_FIELDS = frozenset({"cccd", "old_id", "phone", "password"})


def mask(value: object) -> object:
    if value in (None, ""):
        return value
    text = str(value)
    if len(text) <= 4:
        return "****"
    return text[:3] + "*" * (len(text) - 5) + text[-2:]


def mask_changes(changes: dict[str, Any]) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for key, value in changes.items():
        if key in SENSITIVE_FIELDS:
            if isinstance(value, list | tuple):
                masked[key] = [mask(v) for v in value]
            else:
                masked[key] = mask(value)
        elif isinstance(value, dict):
            masked[key] = mask_changes(value)
        else:
            masked[key] = value
    return masked


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    payload = json.dumps(
        [
            prev_hash,
            entry.seq,
            entry.at.isoformat(),
            entry.actor_id,
            entry.actor_name,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            entry.changes,
        ],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def audit_log(
    *, actor: User | None, action: str, obj: models.Model | None = None, changes: dict[str, Any] | None = None
) -> AuditEntry:
    """Append one entry. Must run inside the service's transaction."""
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None and actor.pk else "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=json.loads(json.dumps(mask_changes(changes or {}), default=str)),
        prev_hash=head.last_hash,
    )
    entry.hash = _digest(head.last_hash, entry)
    entry.save(force_insert=True)
    head.seq, head.last_hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "last_hash"])
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside a transaction")
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify() -> VerifyResult:
    """Walk the chain in order; report the first entry that does not link or hash."""
    expected_prev = "0" * 64
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"mục #{expected_seq} đã bị xóa")
        if entry.prev_hash != expected_prev:
            return VerifyResult(False, checked, entry.seq, f"mục #{entry.seq} không nối với mục trước")
        if _digest(entry.prev_hash, entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq, f"mục #{entry.seq} đã bị sửa")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return VerifyResult(False, checked, checked + 1, f"mục #{checked + 1} trở đi đã bị xóa")
    return VerifyResult(True, checked)
