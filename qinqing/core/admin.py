"""Django admin for back-office data, with Chinese labels from the models."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm

from qinqing.core.forms import PleaseChoose
from qinqing.core.models import (
    ApiToken,
    AuditEntry,
    Delivery,
    Department,
    Enterprise,
    ImportJob,
    Notification,
    Person,
    Region,
    Site,
    User,
    Visit,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "head"]
    search_fields = ["name"]
    autocomplete_fields = ["region", "head"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    autocomplete_fields = ["region", "department"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "industry_code", "region", "above_scale"]
    list_filter = ["above_scale"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Shows masked numbers only; full values are seen (and audited) in the app."""

    list_display = ["name", "masked_id_number", "masked_phone", "gender", "region"]
    search_fields = ["name"]
    fields = ["name", "masked_id_number", "masked_phone", "gender", "birth_date", "region"]
    readonly_fields = ["masked_id_number", "masked_phone", "gender", "birth_date"]
    autocomplete_fields = ["region"]

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return obj.masked_id_number

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return obj.masked_phone

    def has_add_permission(self, request):
        return False  # people are added through the app, where numbers are validated


class TemporaryPasswordCreationForm(PleaseChoose, AdminUserCreationForm):
    """A new account's password is the admin's choice, so its owner must replace it."""

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit)


class TemporaryPasswordChangeForm(PleaseChoose, AdminPasswordChangeForm):
    """A password an admin sets is temporary: its owner must replace it at next sign-in.

    The flag's change is written to the audit trail (with the admin as actor) by
    django-auditlog, like any change of an account.
    """

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = TemporaryPasswordCreationForm
    change_password_form = TemporaryPasswordChangeForm
    list_display = [
        "username",
        "full_name",
        "role",
        "department",
        "is_active",
        "must_change_password",
    ]
    list_filter = ["role", "is_active", "must_change_password"]
    search_fields = ["username", "full_name"]
    fieldsets = [
        (None, {"fields": ["username", "password", "must_change_password"]}),
        (
            "基本信息",
            {
                "fields": [
                    "full_name",
                    "email",
                    "role",
                    "department",
                    "regions",
                    "enterprise",
                    "person",
                ]
            },
        ),
        (
            "权限",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2", "full_name", "role"]}),
    ]
    filter_horizontal = ["regions", "groups", "user_permissions"]
    autocomplete_fields = ["department", "enterprise", "person"]

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated, never deleted: the audit trail names them


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["visited_at", "visitor", "enterprise", "person", "region"]
    date_hierarchy = "visited_at"
    raw_id_fields = ["visitor", "enterprise", "person"]


admin.site.unregister(AuditEntry)  # django-auditlog's admin allows deleting


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nothing can edit or delete an audit entry."""

    list_display = ["timestamp", "actor", "action", "content_type", "object_repr", "cid"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "object_pk", "cid"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "channel", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["notification"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "filename", "status", "created_by"]
    exclude = ["content"]
    readonly_fields = ["errors"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    raw_id_fields = ["user"]
