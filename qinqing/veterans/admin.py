from django.contrib import admin

from qinqing.veterans import models


@admin.register(models.Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "region")
    list_filter = ("level",)
    search_fields = ("name",)
    filter_horizontal = ("staff",)
    raw_id_fields = ("region", "parent")


@admin.register(models.ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    list_display = ("person", "category", "branch", "station", "wall_consent")
    list_filter = ("category", "branch")
    raw_id_fields = ("person", "station")


@admin.register(models.Settings)
class SettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "wish_value_limit", "visit_period_days")


@admin.register(models.AllowanceStandard)
class AllowanceStandardAdmin(admin.ModelAdmin):
    list_display = ("year", "category", "amount", "due_on")
    list_filter = ("year",)


@admin.register(models.Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "masked_phone", "created_at")
    list_filter = ("kind",)
    exclude = ("phone_hash",)
    raw_id_fields = ("user",)
