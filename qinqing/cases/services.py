"""Opening cases and moving them through their workflow.

Every move goes through ``do_transition``: it checks the move is allowed from
the current state for this case type and this actor, stamps the phase time,
writes the case event and the audit entry, and queues notifications — in one
transaction. The state change itself is a conditional UPDATE on the state the
actor saw, so two people acting at once cannot both move the case: the second
gets a clear answer instead (for claims: 已被认领).
"""

import datetime
import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from qinqing.cases import calendar, roles
from qinqing.cases.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseType,
    Priority,
    State,
    StateKind,
    TimeLimit,
    Transition,
)
from qinqing.core import audit
from qinqing.core.models import Department, User
from qinqing.core.services import Forbidden, InvalidInput


class TransitionRefused(Exception):
    """The case is not in a state this move starts from (or it moved meanwhile)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class AlreadyClaimed(TransitionRefused):
    def __init__(self):
        super().__init__("已被认领")


def do_open_case(
    actor: User,
    *,
    case_type: CaseType | str,
    title: str,
    region,
    description: str = "",
    priority: str = Priority.NORMAL,
    requester: User | None = None,
    enterprise=None,
    person=None,
    visit=None,
    now: datetime.datetime | None = None,
) -> Case:
    """Register a case (登记) with deadlines from its type's time limits."""
    if not actor.has_perm("cases.add_case"):
        raise Forbidden("cases.add_case")
    if isinstance(case_type, str):
        case_type = CaseType.objects.select_related("workflow").get(code=case_type)
    errors = {}
    if not (title or "").strip():
        errors["title"] = ["必填"]
    if priority not in Priority.values:
        errors["priority"] = [f"应为 {'、'.join(Priority.values)} 之一"]
    if errors:
        raise InvalidInput(errors, {"title": "标题", "priority": "紧急程度"})
    now = now or timezone.now()
    initial = State.objects.get(workflow=case_type.workflow_id, is_initial=True)
    limit = TimeLimit.objects.filter(case_type=case_type, priority=priority).first()
    with transaction.atomic(), audit.acting_as(actor):
        case = Case(
            case_type=case_type,
            state=initial,
            kind=initial.kind,
            title=title.strip(),
            description=description,
            priority=priority,
            region=region,
            requester=requester,
            enterprise=enterprise,
            person=person,
            visit=visit,
            created_by=actor,
            created_at=now,
            respond_due_at=calendar.add_working_hours(now, limit.respond_hours) if limit else None,
            due_at=calendar.add_working_days(now, limit.resolve_days) if limit else None,
            number=uuid.uuid4().hex,  # replaced by the readable number once the row has an id
        )
        case.save()
        case.number = f"{case_type.number_prefix}{now:%Y}{case.pk:07d}"
        Case.objects.filter(pk=case.pk).update(number=case.number)
        audit.record_event(actor, case, "open", changes={"state": [None, initial.label]})
        CaseEvent.objects.create(
            case=case,
            transition="open",
            label="登记",
            to_state=initial,
            actor=actor,
            created_at=now,
            note=description[:500],
        )
        _notify_next(case, "open", actor)
    return case


def available_transitions(user: User, case: Case) -> list[Transition]:
    """The moves this user may make on this case now (for buttons and the API)."""
    held = roles.case_roles(user, case)
    return [transition for transition in _transitions_from(case) if held & set(transition.roles)]


def claimable_type_ids() -> list[int]:
    """Case types some account role may claim (the claim board lists their open items)."""
    return [t.pk for t in CaseType.objects.all() if t.claimant_roles]


def do_transition(
    actor: User | None,
    case: Case,
    code: str,
    *,
    note: str = "",
    department: Department | None = None,
    assignee: User | None = None,
    due_at: datetime.datetime | None = None,
    solved: bool | None = None,
    attachments=(),
    now: datetime.datetime | None = None,
) -> Case:
    """Move ``case`` by transition ``code``; ``actor`` None means the platform itself.

    ``department`` (and optionally ``assignee`` within it) for 派单 and 转办;
    ``due_at`` for 申请延期; ``solved`` for 回访.
    """
    now = now or timezone.now()
    transition = _transition(case, code)
    if transition is None:
        raise TransitionRefused(f"事项类型“{case.case_type}”没有“{code}”这一步")
    if case.state_id not in {s.pk for s in transition.sources.all()}:
        if transition.effect == "claim" and case.kind != StateKind.OPEN:
            raise AlreadyClaimed()
        raise TransitionRefused(f"事项当前为“{case.state_label}”，不能“{transition.label}”")
    if not roles.case_roles(actor, case) & set(transition.roles):
        raise Forbidden(f"cases.{code}")
    note = (note or "").strip()
    if transition.requires_reason and not note:
        raise InvalidInput({"note": [f"“{transition.label}”需要填写理由"]}, {"note": "说明"})

    updates = _effect(
        transition,
        case,
        actor,
        now,
        department=department,
        assignee=assignee,
        due_at=due_at,
        solved=solved,
    )
    target = transition.target
    with transaction.atomic(), audit.acting_as(actor):
        moved = Case.objects.filter(pk=case.pk, state_id=case.state_id).update(
            state=target, kind=target.kind, updated_at=now, **updates
        )
        if not moved:
            if transition.effect == "claim":
                raise AlreadyClaimed()
            raise TransitionRefused("事项已被他人处理，请刷新后重试")
        event = CaseEvent.objects.create(
            case=case,
            transition=code,
            label=transition.label,
            from_state_id=case.state_id,
            to_state=target,
            actor=actor,
            created_at=now,
            note=note,
            department_id=updates.get("department_id", case.department_id),
            data=_event_data(updates),
        )
        for upload in attachments:
            CaseAttachment.objects.create(event=event, file=upload, name=upload.name[:200])
        before = case.state_label
        case.refresh_from_db()
        audit.record_event(
            actor,
            case,
            "transition",
            changes={"state": [before, case.state_label]},
            transition=code,
            note=note[:200],
        )
        _notify_next(case, code, actor)
    return case


def do_claim(actor: User, case: Case) -> Case:
    """Claim an item published for claiming: exactly one claimant wins."""
    return do_transition(actor, case, "claim")


def expire_claims(now: datetime.datetime | None = None) -> int:
    """Return claims held past their expiry to the pool; how many were returned."""
    now = now or timezone.now()
    expired = Case.objects.filter(
        kind=StateKind.IN_PROGRESS, claimed_by__isnull=False, claim_expires_at__lt=now
    ).select_related("case_type", "state", "department")
    count = 0
    for case in expired:
        try:
            do_transition(None, case, "expire", now=now)
            count += 1
        except TransitionRefused:
            continue  # someone acted on it meanwhile
    return count


def remind_and_escalate(now: datetime.datetime | None = None) -> tuple[int, int]:
    """催办 cases nearing their deadline; escalate overdue ones to the department head.

    Each case is reminded once and escalated once (until an extension moves its
    deadline); the stamps are conditional updates, so two sweeps never double up.
    """
    from qinqing.core.notifications.services import do_notify

    now = now or timezone.now()
    working = (StateKind.OPEN, StateKind.IN_PROGRESS)
    reminded = escalated = 0
    limits = {(t.case_type_id, t.priority): t.remind_hours for t in TimeLimit.objects.all()}
    due_soon = Case.objects.filter(
        kind__in=working,
        reminded_at__isnull=True,
        due_at__gt=now,
        due_at__lte=now + datetime.timedelta(hours=max(limits.values(), default=24)),
    ).select_related("department", "assignee", "case_type")
    for case in due_soon:
        window = datetime.timedelta(hours=limits.get((case.case_type_id, case.priority), 24))
        if case.due_at > now + window:
            continue
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            recipients = _handlers_of(case)
            do_notify(
                recipients,
                "case.reminder",
                f"催办：{case.number} 即将到期",
                f"“{case.title}”办结期限为 {timezone.localtime(case.due_at):%m-%d %H:%M}。",
                link=f"/cases/{case.pk}/",
            )
            reminded += 1
    overdue = Case.objects.filter(
        kind__in=working, escalated_at__isnull=True, due_at__lt=now
    ).select_related("department__head", "case_type")
    for case in overdue:
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            head = case.department.head if case.department_id else None
            recipients = [head] if head else list(_dispatchers_of(case))
            do_notify(
                recipients,
                "case.overdue",
                f"超期：{case.number} 已超过办结期限",
                f"“{case.title}”应于 {timezone.localtime(case.due_at):%m-%d %H:%M} 前办结。",
                link=f"/cases/{case.pk}/",
            )
            audit.record_event(None, case, "escalate", due_at=case.due_at.isoformat())
            escalated += 1
    return reminded, escalated


# --- internals ---------------------------------------------------------------


def _transitions_from(case: Case) -> list[Transition]:
    return [
        t
        for t in Transition.objects.filter(workflow_id=case.case_type.workflow_id)
        .prefetch_related("sources")
        .select_related("target")
        if case.state_id in {s.pk for s in t.sources.all()}
    ]


def _transition(case: Case, code: str) -> Transition | None:
    return (
        Transition.objects.filter(workflow_id=case.case_type.workflow_id, code=code)
        .select_related("target")
        .prefetch_related("sources")
        .first()
    )


def _effect(transition, case, actor, now, *, department, assignee, due_at, solved) -> dict:
    """Field changes a move makes besides the state; refuses incomplete input."""
    effect = transition.effect
    if effect == "respond":
        return {"responded_at": case.responded_at or now}
    if effect == "set_department":
        if department is None:
            raise InvalidInput({"department": ["请选择承办部门"]}, {"department": "承办部门"})
        if department.pk == case.department_id:
            raise InvalidInput(
                {"department": ["已由该部门承办，请选择其他部门"]}, {"department": "承办部门"}
            )
        if assignee is not None and assignee.department_id != department.pk:
            raise InvalidInput({"assignee": ["承办人不属于所选部门"]}, {"assignee": "承办人"})
        return {"department_id": department.pk, "assignee_id": assignee.pk if assignee else None}
    if effect == "return":
        return {"department_id": None, "assignee_id": None, "return_count": F("return_count") + 1}
    if effect == "assign_actor":
        return {"assignee_id": case.assignee_id or actor.pk}
    if effect == "request_extension":
        if due_at is None:
            raise InvalidInput({"due_at": ["请填写申请延期到的日期"]}, {"due_at": "延期至"})
        if case.due_at and due_at <= case.due_at:
            raise InvalidInput(
                {"due_at": ["延期后的期限应晚于现在的办结期限"]}, {"due_at": "延期至"}
            )
        return {"extension_due_at": due_at}
    if effect == "approve_extension":
        return {
            "due_at": case.extension_due_at,
            "extension_due_at": None,
            "reminded_at": None,
            "escalated_at": None,
        }
    if effect == "deny_extension":
        return {"extension_due_at": None}
    if effect == "reply":
        return {"replied_at": now}
    if effect == "satisfied":
        return {
            "satisfaction": "satisfied",
            "solved": True if solved is None else solved,
            "closed_at": now,
        }
    if effect == "unsatisfied":
        return {
            "satisfaction": "unsatisfied",
            "solved": False,
            "replied_at": None,
            "reopen_count": F("reopen_count") + 1,
        }
    if effect == "claim":
        hours = case.case_type.claim_hours
        return {
            "claimed_by_id": actor.pk,
            "claimed_at": now,
            "assignee_id": actor.pk,
            "claim_expires_at": now + datetime.timedelta(hours=hours) if hours else None,
        }
    if effect == "release":
        return {
            "claimed_by_id": None,
            "claimed_at": None,
            "claim_expires_at": None,
            "assignee_id": None,
        }
    return {}


def _event_data(updates: dict) -> dict:
    data = {}
    for key in ("due_at", "extension_due_at", "satisfaction", "solved", "department_id"):
        value = updates.get(key)
        if value is not None:
            data[key] = value.isoformat() if isinstance(value, datetime.datetime) else value
    return data


def _handlers_of(case: Case) -> list[User]:
    if case.assignee_id:
        return [case.assignee]
    if case.department_id:
        return list(User.objects.filter(department_id=case.department_id, is_active=True))
    return list(_dispatchers_of(case))


def _dispatchers_of(case: Case):
    prefixes = [p for p in _region_chain(case.region)]
    candidates = User.objects.filter(is_active=True, regions__code__in=prefixes).distinct()
    return [u for u in candidates if u.has_perm("cases.dispatch_case")]


def _region_chain(region) -> list[str]:
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    return codes


_NEXT = {
    "open": ("case.new", "新事项待受理", lambda c: _dispatchers_of(c)),
    "dispatch": ("case.assigned", "新派单", _handlers_of),
    "transfer": ("case.assigned", "转办到本部门", _handlers_of),
    "return": ("case.returned", "事项被退单", lambda c: _dispatchers_of(c)),
    "request_extension": (
        "case.extension",
        "延期申请待审批",
        lambda c: [c.department.head] if c.department and c.department.head else _dispatchers_of(c),
    ),
    "approve_extension": ("case.extension", "延期申请已批准", _handlers_of),
    "deny_extension": ("case.extension", "延期申请被驳回", _handlers_of),
    "reply": (
        "case.replied",
        "事项已答复，请回访评价",
        lambda c: [c.requester] if c.requester else _dispatchers_of(c),
    ),
    "unsatisfied": ("case.reopened", "回访不满意，事项重办", _handlers_of),
    "fulfil": (
        "case.replied",
        "认领事项已完成，请确认",
        lambda c: [c.requester] if c.requester else [c.created_by],
    ),
    "claim": ("case.claimed", "事项已被认领", lambda c: [c.created_by]),
}


def _notify_next(case: Case, code: str, actor: User | None) -> None:
    """Tell whoever acts next; the actor never notifies themself."""
    if code not in _NEXT:
        return
    from qinqing.core.notifications.services import do_notify

    kind, title, recipients_of = _NEXT[code]
    recipients = [u for u in recipients_of(case) if u is not None and u != actor]
    if recipients:
        do_notify(
            recipients, kind, f"{title}：{case.number}", case.title, link=f"/cases/{case.pk}/"
        )
