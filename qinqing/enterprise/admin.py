from django.contrib import admin

from qinqing.enterprise.models import (
    GradeResult,
    GradingScheme,
    IndicatorYear,
    LandParcel,
    Liaison,
    ServiceSession,
    VisitPlan,
)


@admin.register(Liaison)
class LiaisonAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "officer", "since"]
    raw_id_fields = ["enterprise", "officer"]


@admin.register(VisitPlan)
class VisitPlanAdmin(admin.ModelAdmin):
    list_display = ["officer", "interval_days"]


@admin.register(ServiceSession)
class ServiceSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "starts_at", "capacity", "seats_taken"]
    readonly_fields = ["seats_taken"]


@admin.register(LandParcel)
class LandParcelAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "area_mu", "kind", "status"]
    list_filter = ["kind", "status"]


@admin.register(GradingScheme)
class GradingSchemeAdmin(admin.ModelAdmin):
    """Weights, caps, floors, benchmarks, cut-offs and the low-efficiency line, as JSON."""

    list_display = ["name", "created_at"]


@admin.register(IndicatorYear)
class IndicatorYearAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "year", "above_scale", "land_area_mu", "tax"]
    list_filter = ["year", "above_scale"]
    raw_id_fields = ["enterprise"]


@admin.register(GradeResult)
class GradeResultAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "year", "grade", "score", "low_efficiency"]
    list_filter = ["year", "grade", "low_efficiency"]

    def has_change_permission(self, request, obj=None):
        return False  # results are computed, never typed in
