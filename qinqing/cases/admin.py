"""Back-office settings of the case engine: case types, time limits, workflows (read-mostly),
and each year's holiday arrangement."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from qinqing.cases import calendar, holidays
from qinqing.cases.models import (
    Case,
    CaseEvent,
    CaseType,
    HolidayDay,
    HolidayYear,
    State,
    StateLimit,
    Supervision,
    TimeLimit,
    Transition,
    Workflow,
)
from qinqing.core.services import InvalidInput


class TimeLimitInline(admin.TabularInline):
    model = TimeLimit
    extra = 0


class StateLimitInline(admin.TabularInline):
    model = StateLimit
    extra = 0


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "module", "workflow", "number_prefix", "max_open_claims"]
    list_filter = ["module", "workflow"]
    # Structure comes from the code that declares the type; admins tune names and limits.
    readonly_fields = ["code", "module", "workflow", "dispatch_permission", "claimant_roles"]
    inlines = [TimeLimitInline, StateLimitInline]


class StateInline(admin.TabularInline):
    model = State
    extra = 0


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    inlines = [StateInline]


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "workflow", "target", "requires_reason", "effects"]
    list_filter = ["workflow"]
    filter_horizontal = ["sources"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "label", "actor", "department", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Supervision)
class SupervisionAdmin(admin.ModelAdmin):
    list_display = ["case", "created_by", "due_at", "answered_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases move only through their workflow (the case pages); here they are read-only."""

    list_display = ["number", "title", "case_type", "state", "department", "due_at"]
    list_filter = ["case_type", "kind"]
    search_fields = ["number", "title"]
    inlines = [CaseEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HolidayDayFormSet(BaseInlineFormSet):
    def clean(self):
        # Django's own duplicate message names the field's code ("date"), not the date.
        seen = set()
        for form in self.forms:
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            day = form.cleaned_data.get("date")
            if day in seen:
                raise ValidationError(f"日期 {day:%Y-%m-%d} 填写了两次，请删除其中一行")
            if day:
                seen.add(day)
        super().clean()


class HolidayDayInline(admin.TabularInline):
    model = HolidayDay
    formset = HolidayDayFormSet
    extra = 3
    fields = ["date", "is_working_day", "name"]


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    """Entering the State Council's notice; saving it recomputes the open cases' deadlines."""

    list_display = ["year", "status", "notice_title", "notice_date", "source", "deadline_source"]
    fields = ["year", "status", "notice_title", "notice_number", "notice_date", "source"]
    readonly_fields = ["source"]
    inlines = [HolidayDayInline]

    @admin.display(description="期限计算依据")
    def deadline_source(self, obj):
        return {
            "admin": "本表",
            "package": "内置节假日数据",
            "computed": "法定节假日推算（仅供参考）",
        }[calendar.year_source(obj.year)]

    def get_readonly_fields(self, request, obj=None):
        # A year's days are checked against its year; changing the year would orphan them.
        return [*self.readonly_fields, "year"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not change:
            obj.source = HolidayYear.Source.MANUAL
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._recomputed(request, form.instance.year)

    def delete_model(self, request, obj):
        year = obj.year
        super().delete_model(request, obj)
        self._recomputed(request, year)

    def delete_queryset(self, request, queryset):
        years = list(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        for year in years:
            self._recomputed(request, year)

    def _recomputed(self, request, year):
        moved = holidays.notice_changed(request.user, year)
        if moved:
            self.message_user(request, f"已按{year}年节假日安排重算 {moved} 件在办事项的期限")

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="cases_holidayyear_import",
            ),
            path(
                "template.xlsx",
                self.admin_site.admin_view(self.template_view),
                name="cases_holidayyear_template",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        errors = []
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                errors = ["请选择要导入的文件"]
            else:
                try:
                    year, moved = holidays.load_notice_file(
                        request.user, upload.name, upload.read()
                    )
                except InvalidInput as exc:
                    errors = [
                        f"{exc.labels.get(f, f)}：{m}" for f, ms in exc.errors.items() for m in ms
                    ]
                else:
                    self.message_user(
                        request,
                        f"已录入{year.year}年节假日安排（{year.days.count()} 天），"
                        f"重算 {moved} 件在办事项的期限",
                        messages.SUCCESS,
                    )
                    return redirect("admin:cases_holidayyear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "从文件导入节假日安排",
            "errors": errors,
        }
        status = 422 if errors else 200
        return TemplateResponse(
            request, "admin/cases/holidayyear/import.html", context, status=status
        )

    def template_view(self, request):
        year = timezone.localdate().year + 1
        response = HttpResponse(
            holidays.template_xlsx(year),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="holidays-{year}.xlsx"'
        return response
