from django.contrib import admin

from dangvien.orgs.models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Read-only here: the tree changes through the reorganization screens, which keep history."""

    list_display = ["code", "name", "kind", "sector", "dissolved_on"]
    search_fields = ["code", "name", "name_search"]
    list_filter = ["kind", "sector"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
