from django.contrib import admin

from qinqing.investment import models


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "investor", "total_investment", "town", "officer", "status"]
    list_filter = ["status", "town"]
    search_fields = ["name", "investor__name"]


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "town", "leader"]
    filter_horizontal = ["members"]
