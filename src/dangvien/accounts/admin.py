from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from dangvien.accounts.models import AuditEntry, RoleAssignment, User
from dangvien.accounts.second_factor import second_factor_reset
from dangvien.accounts.services import password_reset


class AssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class DangvienUserAdmin(UserAdmin):
    inlines = [AssignmentInline]
    actions = ["reset_password", "reset_second_factor"]

    @admin.action(description="Đặt lại mật khẩu (mật khẩu tạm, phải đổi khi đăng nhập)")
    def reset_password(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for user in queryset:
            temporary = password_reset(actor=actor, user=user)
            # Shown once, to hand over in person; never written to a log.
            self.message_user(request, f"{user.get_username()}: mật khẩu tạm {temporary}", messages.WARNING)

    @admin.action(description="Xóa xác thực hai bước (mất điện thoại): cài lại khi đăng nhập")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for user in queryset:
            second_factor_reset(actor=actor, user=user)
        self.message_user(request, f"Đã xóa xác thực hai bước của {queryset.count()} tài khoản.")


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
