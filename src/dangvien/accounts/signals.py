"""Writes made in Django's admin (users and role assignments) do not go through our
services; Django records each of them as a LogEntry, which is copied into the audit
chain here so that nothing escapes `dangvien audit verify`."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User

_FLAGS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


@receiver(post_save, sender=LogEntry)
def copy_admin_action(sender: type[LogEntry], instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    actor = User.objects.filter(pk=instance.user_id).first()
    with transaction.atomic():
        audit_log(
            actor=actor,
            action=f"admin.{_FLAGS.get(instance.action_flag, 'other')}",
            changes={
                "model": instance.content_type.model if instance.content_type else "",
                "object_id": instance.object_id,
                "object": instance.object_repr,
                "message": instance.get_change_message(),
            },
        )
