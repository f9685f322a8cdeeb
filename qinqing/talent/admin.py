from django.contrib import admin

from qinqing.talent import models


@admin.register(models.EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["education_min", "zone", "require_no_local_home", "lease_months", "created_at"]


@admin.register(models.LodgingRoom)
class LodgingRoomAdmin(admin.ModelAdmin):
    list_display = ["name", "building"]


@admin.register(models.ApartmentUnit)
class ApartmentUnitAdmin(admin.ModelAdmin):
    list_display = ["building", "number", "layout", "area", "bookable"]


@admin.register(models.CooperationAgreement)
class CooperationAgreementAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "school", "subject", "signed_on", "valid_until"]
    raw_id_fields = ["enterprise"]
