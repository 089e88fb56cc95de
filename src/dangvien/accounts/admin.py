from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dangvien.accounts.models import AuditEntry, RoleAssignment, User


class AssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class DangvienUserAdmin(UserAdmin):
    inlines = [AssignmentInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor_name", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["action", "actor_name", "object_repr"]

    # Append-only: the admin may read the log, never change it.
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
