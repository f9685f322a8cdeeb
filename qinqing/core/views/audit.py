"""The audit trail page: who did what to which record, read-only.

Personal numbers appear as the audit trail stored them: masked.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from qinqing.core import access
from qinqing.core.models import AuditEntry, User
from qinqing.core.views.common import id_param, page_of, query_string

ACTION_LABELS = {
    AuditEntry.Action.CREATE: "新增",
    AuditEntry.Action.UPDATE: "修改",
    AuditEntry.Action.DELETE: "删除",
    AuditEntry.Action.ACCESS: "查看敏感信息",
}
EVENT_LABELS = {
    "unmask": "查看敏感信息",
    "open": "受理",
    "transition": "流转",
    "escalate": "超期升级",
    "signup": "报名",
    "grade": "评价",
    "import_indicators": "导入指标",
    "token_issued": "签发令牌",
    "token_revoked": "吊销令牌",
    "export_personal_data": "导出敏感信息",
    "login_failed": "登录失败",
    "password_changed": "修改密码",
    "password_reset": "重置密码",
    "rotate_field_key": "个人信息密钥轮换",
    "backup": "备份",
    "restore": "从备份恢复",
}
DETAIL_LABELS = {
    "transition": "操作",
    "note": "说明",
    "owner": "账号",
    "expires_at": "到期",
    "enterprise": "企业",
    "year": "年度",
    "graded": "评价数",
    "rows": "行数",
    "due_at": "期限",
    "filters": "筛选条件",
    "fields": "字段",
    "username": "用户名",
    "ip_address": "IP 地址",
    "key": "密钥编号",
    "field_key": "密钥编号",
    "checked": "检查",
    "rewritten": "改写",
    "left_behind": "仍需旧密钥",
    "finished": "全部完成",
    "directory": "目录",
    "backup_created_at": "备份时间",
    "app_version": "版本",
    "replaced_existing_data": "覆盖已有数据",
}
M2M_OPERATIONS = {"add": "添加", "delete": "移除", "remove": "移除", "clear": "清空"}
# Pages that show one record, by "app_label.model": the audit list links to them.
DETAIL_PAGES = {
    "core.enterprise": "enterprise-detail",
    "core.person": "person-detail",
    "core.visit": "visit-detail",
}
EMPTY = "—"


@dataclass
class Change:
    field: str
    before: str
    after: str


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display_value(field, value) -> str:
    if value is None or value == "None" or value == "":
        return EMPTY
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return {"True": "是", "False": "否"}.get(str(value), str(value))
    if isinstance(field, models.ForeignKey):
        try:
            pk = field.related_model._meta.pk.to_python(value)
        except ValidationError:  # a named event may store a label, not a key
            return str(value)
        related = field.related_model._default_manager.filter(pk=pk).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            if timezone.is_naive(moment):  # django-auditlog stores UTC without the zone
                moment = moment.replace(tzinfo=datetime.UTC)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _is_noise(field) -> bool:
    """The primary key, reverse relations and automatic timestamps tell a reader nothing."""
    if field.many_to_many:
        return False
    if field.auto_created or not field.concrete:
        return True
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def changes_of(entry: AuditEntry) -> list[Change]:
    """Each changed field with its label and before → after, ready to show."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        field = _model_field(model, name)
        if field is not None and _is_noise(field):
            continue
        label = str(field.verbose_name) if field is not None else name
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation", "objects"}
            operation = M2M_OPERATIONS.get(values.get("operation"), values.get("operation", ""))
            objects = "、".join(str(o) for o in values.get("objects", []))
            changes.append(Change(label, "", f"{operation}：{objects}"))
            continue
        if not isinstance(values, list | tuple) or len(values) != 2:
            changes.append(Change(label, "", str(values)))
            continue
        before, after = (_display_value(field, v) for v in values)
        if entry.action == AuditEntry.Action.CREATE:
            if after == EMPTY:
                continue  # a new record's empty fields say nothing
            before = ""
        changes.append(Change(label, before, after))
    return changes


def action_label(entry: AuditEntry) -> str:
    event = entry.event
    if event:
        return EVENT_LABELS.get(event, event)
    return ACTION_LABELS.get(entry.action, str(entry.action))


def _record_link(entry: AuditEntry) -> str:
    key = f"{entry.content_type.app_label}.{entry.content_type.model}"
    name = DETAIL_PAGES.get(key)
    if name is None or entry.action == AuditEntry.Action.DELETE:
        return ""
    try:
        return reverse(name, args=[entry.object_pk])
    except NoReverseMatch:
        return ""


def _details(entry: AuditEntry) -> str:
    """A named event's own details (fields unmasked, purpose …), without the event name."""
    data = {k: v for k, v in (entry.additional_data or {}).items() if k != "event"}
    fields = {"id_number": "身份证号", "phone": "手机号"}
    if "fields" in data:
        data["fields"] = "、".join(fields.get(f, f) for f in data["fields"])
    if entry.event == "unmask":
        purpose = data.get("purpose") or "未填写"
        return f"字段：{data.get('fields', '')}；事由：{purpose}"
    return "；".join(
        f"{DETAIL_LABELS.get(k, k)}：{'是' if v is True else v}" for k, v in data.items() if v
    )


@login_required
@permission_required("core.view_auditentry", raise_exception=True)
def audit_list(request):
    entries = access.visible(AuditEntry, request.user).select_related("actor", "content_type")
    errors, described = [], []
    content_type_label = request.GET.get("content_type", "").strip()
    object_pk = request.GET.get("object_pk", "").strip()
    actor_id = id_param(request.GET, "actor", "操作人")
    if content_type_label:
        app_label, _, model = content_type_label.lower().partition(".")
        try:
            content_type = ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            errors.append(
                f"记录类型“{content_type_label}”不存在，应为“应用.模型”，如 core.enterprise"
            )
            entries = entries.none()
        else:
            entries = entries.filter(content_type=content_type)
            described.append(str(content_type.model_class()._meta.verbose_name))
    if object_pk:
        entries = entries.filter(object_pk=object_pk)
        latest = entries.order_by("-timestamp").first()
        described.append(latest.object_repr if latest else f"#{object_pk}")
    if actor_id is not None:
        actor = User.objects.filter(pk=actor_id).first()
        if actor is None:
            errors.append("操作人不存在")
            entries = entries.none()
        else:
            entries = entries.filter(actor=actor)
            described.append(f"操作人 {actor.display_name}")
    page = page_of(request, entries.order_by("-timestamp", "-pk"))
    rows = [
        {
            "entry": entry,
            "action": action_label(entry),
            "changes": changes_of(entry),
            "details": _details(entry),
            "link": _record_link(entry),
            "record_query": (
                f"content_type={entry.content_type.app_label}.{entry.content_type.model}"
                f"&object_pk={entry.object_pk}"
            ),
        }
        for entry in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "errors": errors,
        "described": " · ".join(described),
        "filters": query_string(request),
    }
    return render(request, "core/audit/list.html", context)


urlpatterns = [
    path("audit/", audit_list, name="audit-list"),
]
