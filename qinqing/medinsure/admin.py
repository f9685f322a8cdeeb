from django.contrib import admin

from qinqing.medinsure import models
from qinqing.medinsure.services import do_save_rule


@admin.register(models.Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "level", "region", "agreement_status", "department")
    list_filter = ("kind", "agreement_status")
    search_fields = ("code", "name")


@admin.register(models.CatalogEntry)
class CatalogEntryAdmin(admin.ModelAdmin):
    """A change of price or restriction: add a version with a new 生效日期 and close the old one."""

    list_display = ("item_code", "item_name", "kind", "price_cap", "procurement_price",
                    "valid_from", "valid_to")  # fmt: skip
    list_filter = ("kind",)
    search_fields = ("item_code", "item_name")


@admin.register(models.AuditRule)
class AuditRuleAdmin(admin.ModelAdmin):
    """Saving a rule saves a new version; the old versions stay (findings name theirs)."""

    list_display = ("key", "version", "name", "severity", "enabled", "created_at", "created_by")
    list_filter = ("key", "enabled")
    readonly_fields = ("version", "created_at", "created_by")

    def save_model(self, request, obj, form, change):
        saved = do_save_rule(
            request.user,
            obj.key,
            name=obj.name,
            legal_basis=obj.legal_basis,
            params=obj.params,
            severity=obj.severity,
            enabled=obj.enabled,
        )
        obj.pk, obj.version = saved.pk, saved.version

    def has_delete_permission(self, request, obj=None):
        return False
