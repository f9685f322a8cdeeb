"""Back-office settings of the case engine: case types, time limits, workflows (read-mostly)."""

from django.contrib import admin

from qinqing.cases.models import (
    Case,
    CaseEvent,
    CaseType,
    State,
    StateLimit,
    Supervision,
    TimeLimit,
    Transition,
    Workflow,
)


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
