"""The audit log: one entry per service call, chained by a keyed hash (HMAC-SHA256 with
settings.AUDIT_KEY, kept outside the database) so that an altered or removed row is found
by `dangvien audit verify`, even by someone who rewrote every later row and the head: they
cannot recompute a hash without the key. `audit anchor` records the head outside the
database (a file, a line on the committee's paper record); verify checks the chain still
passes through the last anchor, so a log cut back and regrown is found too.

Appending never waits for another writer. An entry is written in the writer's own
transaction *pending*: no place in the chain yet (seq NULL), carrying only its own keyed
MAC (`hash`), so a row forged without the key is known. Right after the writer commits, a
short step seals the pending entries (`audit_seal`): it locks the chain's head for a few
milliseconds, gives each committed pending entry the next seq in commit order, and links
it to the one before. Until 2026-12 the head was locked by every writer for its whole
transaction: a 15-second import made every audited write in the country wait (measured in
docs/benchmarks.md). An entry whose writer died between commit and seal is sealed by the
next seal anywhere, by the nightly tick, or by `audit verify`."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.models import AuditEntry, AuditHead, User

log = logging.getLogger(__name__)
PENDING = ""  # the chain link of an entry not sealed yet

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
    return chain_digest(settings.AUDIT_KEY, prev_hash, entry)


def chain_digest(key: bytes, prev_hash: str, entry: Any) -> str:
    """The entry's link: HMAC-SHA256 over the previous hash and every field of the entry.
    (Migration accounts/0003 holds a frozen copy for the log written before the key.)
    A pending entry's own MAC is the same over PENDING and seq None."""
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
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _pending(
    actor: User | None, action: str, obj: models.Model | None, changes: dict[str, Any], at: dt.datetime
) -> AuditEntry:
    """An entry as a writer leaves it: no place in the chain yet, its own keyed MAC."""
    saved = actor is not None and actor.pk
    entry = AuditEntry(
        seq=None,
        at=at,
        actor=actor if saved else None,
        actor_name=actor.get_username() if saved and actor is not None else "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=json.loads(json.dumps(mask_changes(changes), default=str)),
        prev_hash=PENDING,
    )
    entry.hash = _digest(PENDING, entry)
    return entry


def audit_log(
    *, actor: User | None, action: str, obj: models.Model | None = None, changes: dict[str, Any] | None = None
) -> AuditEntry:
    """Append one entry, pending, in the service's transaction (which it must run in);
    sealed into the chain right after that transaction commits. No lock is taken."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside a transaction")
    entry = _pending(actor, action, obj, changes or {}, timezone.now())
    entry.save(force_insert=True)
    _seal_on_commit()
    return entry


def audit_log_many(
    *, actor: User | None, action: str, entries: Sequence[tuple[models.Model, dict[str, Any]]]
) -> None:
    """One entry per object, written in one statement (an import's batch: a cell's yearly
    ratings), pending and sealed after the commit like any other."""
    if not entries:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log_many must be called inside a transaction")
    now = timezone.now()
    rows = [_pending(actor, action, obj, changes, now) for obj, changes in entries]
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    _seal_on_commit()


def _seal_on_commit() -> None:
    """Seal the transaction's entries once it commits: once, however many entries it wrote.
    An organizations file of the nation's 102,737 organizations wrote as many entries, and
    each asked for its own seal after the commit: 102,737 passes over the chain's head, the
    first sealing everything and the others finding nothing (minutes).

    Any seal already asked for in this transaction serves: Django drops a callback only
    when a savepoint it was asked in is rolled back; one since released can no longer be,
    and one still open holds this entry too, so such a rollback drops both. (A seal asked
    in a savepoint already rolled back is gone from the list: it is asked for again.)
    Robust: a failed seal is logged, never the writer's error; the next one catches up."""
    connection = transaction.get_connection()
    if any(func is audit_seal for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(audit_seal, robust=True)


SEAL_BATCH = 2000


def audit_seal(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Give every committed pending entry its place in the chain, in the order of their
    ids, under the head's lock held for this short step only. Returns how many were sealed.
    A pending entry whose own MAC is wrong (a row written without the key) is left out of
    the chain and stays pending, where `audit verify` reports it."""
    sealed = 0
    while True:
        with transaction.atomic(using=using):
            head, _created = AuditHead.objects.using(using).select_for_update().get_or_create(pk=1)
            pending = list(
                AuditEntry.objects.using(using)
                .select_for_update()
                .filter(seq__isnull=True, prev_hash=PENDING)
                .order_by("id")[:SEAL_BATCH]
            )
            batch: list[AuditEntry] = []
            for entry in pending:
                if not hmac.compare_digest(_digest(PENDING, entry), entry.hash):
                    log.error("audit entry id=%s pending with a wrong MAC: not sealed", entry.pk)
                    AuditEntry.objects.using(using).filter(pk=entry.pk).update(prev_hash="forged")
                    continue
                entry.seq = head.seq + 1
                entry.prev_hash = head.last_hash
                entry.hash = _digest(entry.prev_hash, entry)
                head.seq, head.last_hash = entry.seq, entry.hash
                batch.append(entry)
            if batch:
                AuditEntry.objects.using(using).bulk_update(
                    batch, ["seq", "prev_hash", "hash"], batch_size=500
                )
                head.save(update_fields=["seq", "last_hash"])
            sealed += len(batch)
        if len(pending) < SEAL_BATCH:
            return sealed


def audit_export(*, actor: User | None, what: str, rows: int, fmt: str, org: str = "") -> None:
    """An export is an entry of its own: who took which records out, how many, in what form."""
    with transaction.atomic():
        audit_log(
            actor=actor, action="export", changes={"what": what, "rows": rows, "format": fmt, "org": org}
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(*, using: str = "default", anchor_file: Path | None = None) -> VerifyResult:
    """Walk the chain in order; report the first entry that does not link or hash, then
    check the last anchor written by `audit anchor` (if any) is still on the chain. Entries
    committed but not sealed yet are sealed first (on the main database); one that cannot
    be (written without the key) fails the check."""
    if using == DEFAULT_DB_ALIAS:
        audit_seal()
    # Pending entries (a backup taken between a commit and its seal): each must carry the
    # system's own MAC, else it was put there by someone without the key.
    for entry in AuditEntry.objects.using(using).filter(seq__isnull=True).order_by("id"):
        if entry.prev_hash != PENDING or not hmac.compare_digest(_digest(PENDING, entry), entry.hash):
            return VerifyResult(
                False,
                0,
                None,
                _("mục chờ niêm phong (id {entry.pk}) không do hệ thống ghi: đã bị chèn").format(entry=entry),
            )
    expected_prev = "0" * 64
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.using(using).order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                expected_seq,
                _("mục #{expected_seq} đã bị xóa").format(expected_seq=expected_seq),
            )
        if entry.prev_hash != expected_prev:
            return VerifyResult(
                False, checked, entry.seq, _("mục #{entry.seq} không nối với mục trước").format(entry=entry)
            )
        if not hmac.compare_digest(_digest(entry.prev_hash, entry), entry.hash):
            return VerifyResult(
                False, checked, entry.seq, _("mục #{entry.seq} đã bị sửa").format(entry=entry)
            )
        expected_prev, expected_seq = entry.hash, entry.seq + 1
        checked += 1
    head = AuditHead.objects.using(using).filter(pk=1).first()
    if head is not None and (head.seq != checked or (checked and head.last_hash != expected_prev)):
        return VerifyResult(
            False, checked, checked + 1, _("mục #{v1} trở đi đã bị xóa").format(v1=checked + 1)
        )
    anchor = last_anchor(anchor_file or settings.AUDIT_ANCHOR_FILE)
    if anchor is not None:
        seq, digest = anchor
        at = AuditEntry.objects.using(using).filter(seq=seq).values_list("hash", flat=True).first()
        if at is None:
            return VerifyResult(
                False,
                checked,
                seq,
                _("mục #{seq} (đã ghi mốc) không còn: nhật ký đã bị cắt bớt").format(seq=seq),
            )
        if at != digest:
            return VerifyResult(
                False,
                checked,
                seq,
                _("mục #{seq} khác với mốc đã ghi: nhật ký đã bị viết lại").format(seq=seq),
            )
    return VerifyResult(True, checked)


ANCHOR_RE = re.compile(r"dangvien-audit seq=(\d+) hash=([0-9a-f]{64})")


def audit_anchor_line() -> str:
    """The head of the chain as one line to keep outside the database (after sealing what
    was committed, so the line covers every write made so far)."""
    audit_seal()
    head = AuditHead.objects.filter(pk=1).first()
    seq, digest = (head.seq, head.last_hash) if head is not None else (0, "0" * 64)
    return f"dangvien-audit seq={seq} hash={digest} at={timezone.now():%Y-%m-%dT%H:%M:%S%z}"


def audit_anchor_write(path: Path | None = None) -> str:
    """Append the head's line to the anchor file (created readable by its owner only)."""
    target = path or settings.AUDIT_ANCHOR_FILE
    line = audit_anchor_line()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    target.chmod(0o600)
    return line


def last_anchor(path: Path) -> tuple[int, str] | None:
    """The last (seq, hash) in the anchor file; None without a file or an anchor past #0."""
    if not path.is_file():
        return None
    found = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = ANCHOR_RE.search(line)
        if m and int(m.group(1)) > 0:
            found = (int(m.group(1)), m.group(2))
    return found
