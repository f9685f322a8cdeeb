"""Opening cases and moving them through their workflow.

Every move goes through ``do_transition``, in one transaction: it checks the
move is allowed from the current state for this actor (case roles, and
maker-checker: nobody approves their own request), validates the step's reason,
attachment and extra fields, runs the transition's registered effects, enters
the target state (its own time limit starts; a CLOSED-kind state stamps
``closed_at`` whatever the move), writes the event, the attachments and the
audit entry, runs the case type's ``on_transition`` hook, and tells whoever
acts next. The state change is a conditional UPDATE on the case's version, so
of two concurrent moves — even two that leave the state unchanged, like 转办 —
exactly one wins; the other gets ``TransitionRefused`` (HTTP 409).
"""

import datetime
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from qinqing.cases import deadlines, effects, roles
from qinqing.cases.errors import AlreadyClaimed, ClaimLimitReached, TransitionRefused
from qinqing.cases.fields import clean_values, for_event
from qinqing.cases.models import (
    ACTIVE_KINDS,
    FINAL_KINDS,
    WORKING_KINDS,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseType,
    Priority,
    State,
    StateKind,
    Supervision,
    TimeLimit,
    Transition,
)
from qinqing.cases.workflows import case_type_spec
from qinqing.core import access, audit
from qinqing.core.models import Department, User
from qinqing.core.services import Forbidden, InvalidInput

__all__ = ["AlreadyClaimed", "ClaimLimitReached", "TransitionRefused"]


@dataclass
class Move:
    """One move in the making, as effects and ``on_transition`` hooks see it."""

    case: Case
    transition: Transition
    actor: User | None
    now: datetime.datetime
    note: str = ""
    values: dict = field(default_factory=dict)
    department: Department | None = None
    assignee: User | None = None
    updates: dict = field(default_factory=dict)
    event: CaseEvent | None = None

    @cached_property
    def limit(self) -> TimeLimit | None:
        return deadlines.limit_for(self.case)


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
    parent: Case | None = None,
    routed: bool = False,
    now: datetime.datetime | None = None,
) -> Case:
    """Register a case (登记) with deadlines from its type's time limits.

    ``routed``: the caller dispatches it by rule at once (e.g. an instant call to
    its liaison), so no dispatcher is asked to take it in.
    """
    if not actor.has_perm("cases.add_case"):
        raise Forbidden("cases.add_case")
    access.require_region(actor, region)
    if isinstance(case_type, str):
        case_type = CaseType.objects.select_related("workflow").get(code=case_type)
    errors = {}
    if not (title or "").strip():
        errors["title"] = ["必填"]
    if priority not in Priority.values:
        errors["priority"] = [f"应为 {'、'.join(Priority.values)} 之一"]
    if parent is not None and parent.kind in FINAL_KINDS:
        errors["parent"] = ["上级事项已办结，不能再添加子事项"]
    if errors:
        raise InvalidInput(errors, {"title": "标题", "priority": "紧急程度", "parent": "上级事项"})
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
            parent=parent,
            created_by=actor,
            created_at=now,
            respond_due_at=deadlines.respond_due(limit, now),
            due_at=deadlines.resolve_due(limit, now),
            state_entered_at=now,
            state_due_at=deadlines.state_due(case_type.pk, initial.pk, now),
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
        if not routed:
            recipients = [u for u in roles.dispatchers_of(case) if u != actor]
            _notify(recipients, "case.new", "新事项待受理", case)
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
    values: dict | None = None,
    due_at: datetime.datetime | None = None,
    solved: bool | None = None,
    attachments=(),
    now: datetime.datetime | None = None,
) -> Case:
    """Move ``case`` by transition ``code``; ``actor`` None means the platform itself.

    ``department`` (and optionally ``assignee`` within it) for 派单 and 转办;
    ``values`` for the step's declared fields (``due_at`` and ``solved`` are
    shorthands for the 12345 flow's 延期 and 回访 fields).
    """
    now = now or timezone.now()
    transition = _transition(case, code)
    if transition is None:
        raise TransitionRefused(f"事项类型“{case.case_type}”没有“{code}”这一步")
    if case.state_id not in {s.pk for s in transition.sources.all()}:
        if "claim" in transition.effects and case.kind != StateKind.OPEN:
            raise AlreadyClaimed()
        raise TransitionRefused(f"事项当前为“{case.state_label}”，不能“{transition.label}”")
    if not roles.case_roles(actor, case) & set(transition.roles):
        raise Forbidden(f"cases.{code}")
    _check_maker_checker(actor, case, transition)
    note = (note or "").strip()
    values = dict(values or {})
    if due_at is not None:
        values.setdefault("due_at", due_at)
    if solved is not None:
        values.setdefault("solved", solved)
    errors = {}
    if transition.requires_reason and not note:
        errors["note"] = [f"“{transition.label}”需要填写理由"]
    if transition.requires_attachment and not attachments:
        errors["attachments"] = [f"“{transition.label}”需要上传附件"]
    if errors:
        raise InvalidInput(errors, {"note": "说明", "attachments": "附件"})
    move = Move(
        case=case,
        transition=transition,
        actor=actor,
        now=now,
        note=note,
        values=clean_values(transition.fields, values),
        department=department,
        assignee=assignee,
    )
    target = transition.target
    spec = case_type_spec(case.case_type.code)
    with transaction.atomic(), audit.acting_as(actor):
        updates = effects.run_effects(move)
        updates.update(_enter_state(case, target, now, updates))
        moved = Case.objects.filter(pk=case.pk, version=case.version).update(
            state=target, kind=target.kind, updated_at=now, version=F("version") + 1, **updates
        )
        if not moved:
            if "claim" in transition.effects:
                raise AlreadyClaimed()
            raise TransitionRefused("事项已被他人处理，请刷新后重试")
        move.event = CaseEvent.objects.create(
            case=case,
            transition=code,
            label=transition.label,
            from_state_id=case.state_id,
            to_state=target,
            actor=actor,
            created_at=now,
            note=note,
            department_id=updates.get("department_id", case.department_id),
            data=_event_data(updates, move.values),
        )
        for upload in attachments:
            CaseAttachment.objects.create(event=move.event, file=upload, name=upload.name[:200])
        before = case.state_label
        case.refresh_from_db()
        move.case = case
        if spec and spec.on_transition:
            spec.on_transition(move)
        audit.record_event(
            actor,
            case,
            "transition",
            changes={"state": [before, case.state_label]},
            transition=code,
            note=note[:200],
        )
        _resolve_notifications(case, now)
        _notify_roles(case, transition, actor)
    return case


def do_claim(actor: User, case: Case) -> Case:
    """Claim an item published for claiming: exactly one claimant wins."""
    return do_transition(actor, case, "claim")


def do_supervise(
    actor: User, case: Case, *, note: str, due_at: datetime.datetime, now=None
) -> Supervision:
    """督办: a superior office flags a case with a deadline of its own for an answer."""
    if not actor.has_perm("cases.supervise_case"):
        raise Forbidden("cases.supervise_case")
    now = now or timezone.now()
    errors = {}
    if not (note or "").strip():
        errors["note"] = ["请填写督办意见"]
    if due_at is None or due_at <= now:
        errors["due_at"] = ["答复期限应晚于现在"]
    if case.kind not in ACTIVE_KINDS:
        errors["__all__"] = ["事项已办结，不能督办"]
    if errors:
        raise InvalidInput(errors, {"note": "督办意见", "due_at": "答复期限"})
    with transaction.atomic(), audit.acting_as(actor):
        supervision = Supervision.objects.create(
            case=case, created_by=actor, note=note.strip(), due_at=due_at, created_at=now
        )
        Case.objects.filter(pk=case.pk).update(supervision_count=F("supervision_count") + 1)
        _record(case, "supervise", "督办", actor, now, note.strip(), {"due_at": due_at.isoformat()})
        audit.record_event(actor, case, "supervise", due_at=due_at.isoformat())
        _notify(
            roles.handlers_of(case),
            "case.supervised",
            f"督办：请于 {timezone.localtime(due_at):%m-%d %H:%M} 前答复",
            case,
        )
    return supervision


def do_answer_supervision(actor: User, supervision: Supervision, answer: str, now=None):
    """The handling unit answers a 督办."""
    now = now or timezone.now()
    case = supervision.case
    if roles.HANDLER not in roles.case_roles(actor, case):
        raise Forbidden("cases.answer_supervision")
    if not (answer or "").strip():
        raise InvalidInput({"answer": ["请填写督办答复"]}, {"answer": "答复"})
    with transaction.atomic(), audit.acting_as(actor):
        answered = Supervision.objects.filter(pk=supervision.pk, answered_at__isnull=True).update(
            answer=answer.strip(), answered_by=actor, answered_at=now
        )
        if not answered:
            raise TransitionRefused("该督办已答复")
        _record(case, "answer_supervision", "督办答复", actor, now, answer.strip())
        _notify([supervision.created_by], "case.supervised", "督办已答复", case)
    supervision.refresh_from_db()
    return supervision


def children_progress(case: Case) -> dict:
    counts = case.children.aggregate(
        total=Count("pk"), closed=Count("pk", filter=Q(kind__in=FINAL_KINDS))
    )
    return {"total": counts["total"] or 0, "closed": counts["closed"] or 0}


def run_timeouts(now: datetime.datetime | None = None) -> int:
    """Take each state's timeout transition for cases whose state limit ran out.

    E.g. a claim held past its window goes back on the board (认领超时退回), an
    answered case nobody surveyed closes as 未回访. Returns how many moved.
    """
    now = now or timezone.now()
    expired = (
        Case.objects.filter(state_due_at__lt=now)
        .exclude(state__timeout_transition="")
        .select_related("case_type", "state", "department", "region")
    )
    count = 0
    for case in expired:
        try:
            do_transition(None, case, case.state.timeout_transition, now=now)
            count += 1
        except TransitionRefused:
            continue  # someone acted on it meanwhile
    return count


def expire_claims(now: datetime.datetime | None = None) -> int:
    """Kept for callers of the first engine: claims are one kind of state timeout."""
    return run_timeouts(now)


def remind_and_escalate(now: datetime.datetime | None = None) -> tuple[int, int]:
    """催办 cases nearing their running limit; escalate overdue ones to the department head.

    The running limit is the case's own or its current state's, whichever
    comes first. Each case is reminded once and escalated once per limit (an
    extension, a 重办 or a new state's limit starts again); the stamps are
    conditional updates, so two sweeps never double up. Both are events on the
    case's timeline and counted on the case.
    """
    now = now or timezone.now()
    reminded = escalated = 0
    window = datetime.timedelta(hours=_widest_reminder_window())
    soon = Case.objects.filter(kind__in=WORKING_KINDS, reminded_at__isnull=True).filter(
        _running_due_between(now, now + window)
    )
    for case in soon.select_related("department", "assignee", "case_type", "region", "state"):
        due = case.running_due_at
        if due is None or due <= now or due > now + _reminder_window(case):
            continue
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, reminded_at__isnull=True).update(
                reminded_at=now, reminder_count=F("reminder_count") + 1
            ):
                continue
            _record(
                case, "remind", "催办", None, now, f"期限 {timezone.localtime(due):%m-%d %H:%M}"
            )
            _notify(
                roles.handlers_of(case),
                "case.reminder",
                f"催办：{case.number} 即将到期",
                case,
                body=f"“{case.title}”期限为 {timezone.localtime(due):%m-%d %H:%M}。",
            )
            reminded += 1
    overdue = Case.objects.filter(kind__in=WORKING_KINDS, escalated_at__isnull=True).filter(
        _running_due_between(None, now)
    )
    for case in overdue.select_related("department__head", "case_type", "region", "state"):
        due = case.running_due_at
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, escalated_at__isnull=True).update(
                escalated_at=now, escalation_count=F("escalation_count") + 1
            ):
                continue
            head = case.department.head if case.department_id else None
            recipients = [head] if head else roles.dispatchers_of(case)
            _record(
                case,
                "escalate",
                "超期上报",
                None,
                now,
                f"期限 {timezone.localtime(due):%m-%d %H:%M}",
            )
            _notify(
                recipients,
                "case.overdue",
                f"超期：{case.number} 已超过期限",
                case,
                body=f"“{case.title}”应于 {timezone.localtime(due):%m-%d %H:%M} 前办理完毕。",
            )
            audit.record_event(None, case, "escalate", due_at=due.isoformat())
            escalated += 1
    return reminded, escalated


# --- internals ---------------------------------------------------------------


def _running_due_between(start, end):
    due = Q(due_at__lte=end) | Q(state_due_at__lte=end)
    if start is not None:
        due = (Q(due_at__gt=start, due_at__lte=end)) | Q(
            state_due_at__gt=start, state_due_at__lte=end
        )
    return due


def _widest_reminder_window() -> int:
    from django.db.models import Max

    from qinqing.cases.models import StateLimit

    widest = [
        TimeLimit.objects.aggregate(m=Max("remind_hours"))["m"],
        StateLimit.objects.aggregate(m=Max("remind_hours"))["m"],
    ]
    return max([w for w in widest if w] or [24])


def _reminder_window(case: Case) -> datetime.timedelta:
    if case.state_due_at and case.running_due_at == case.state_due_at:
        limit = deadlines.state_limit(case.case_type_id, case.state_id)
    else:
        limit = deadlines.limit_for(case)
    return datetime.timedelta(hours=limit.remind_hours if limit else 24)


def _enter_state(case: Case, target: State, now, updates: dict) -> dict:
    """Entering a state: its own limit starts; a CLOSED-kind state closes the case."""
    entering = {
        "state_entered_at": now,
        "state_due_at": deadlines.state_due(case.case_type_id, target.pk, now),
    }
    if entering["state_due_at"] and target.kind in WORKING_KINDS:
        entering.update(reminded_at=None, escalated_at=None)
    if target.kind == StateKind.CLOSED:
        entering["closed_at"] = updates.get("closed_at") or now
        if case.case_type.children_block_close:
            open_children = case.children.filter(kind__in=ACTIVE_KINDS).count()
            if open_children:
                raise TransitionRefused(f"尚有 {open_children} 项子事项未办结，暂不能办结")
    return entering


def _check_maker_checker(actor, case: Case, transition: Transition) -> None:
    if actor is None or not transition.not_by_actor_of:
        return
    last = (
        CaseEvent.objects.filter(case=case, transition__in=transition.not_by_actor_of)
        .order_by("-created_at", "-pk")
        .values_list("actor_id", "label")
        .first()
    )
    if last and last[0] == actor.pk:
        raise Forbidden(f"“{transition.label}”须由“{last[1]}”以外的人办理")


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


def _event_data(updates: dict, values: dict) -> dict:
    data = for_event(values)
    for key in ("extension_due_at", "satisfaction", "department_id"):
        value = updates.get(key)
        if value is not None:
            data[key] = value.isoformat() if isinstance(value, datetime.datetime) else value
    return data


def _record(case, code, label, actor, now, note="", data=None) -> CaseEvent:
    """An event on the timeline that does not move the case (催办, 督办, 超期上报)."""
    return CaseEvent.objects.create(
        case=case,
        transition=code,
        label=label,
        from_state_id=case.state_id,
        to_state_id=case.state_id,
        actor=actor,
        department_id=case.department_id,
        created_at=now,
        note=note,
        data=data or {},
    )


def _resolve_notifications(case: Case, now) -> None:
    """The case moved on: earlier notices about it are done, for whoever received them."""
    from qinqing.core.models import Notification

    Notification.objects.filter(link=_link(case), read_at__isnull=True).update(read_at=now)


def _notify_roles(case: Case, transition: Transition, actor: User | None) -> None:
    """One notice per move, to whoever has to act next; the actor never notifies themself."""
    recipients = []
    for role in transition.notify_roles:
        for user in roles.recipients(case, role):
            if user is not None and user != actor and user not in recipients:
                recipients.append(user)
    title = transition.notice or f"事项{transition.label}"
    _notify(recipients, transition.notify_kind or "case.update", title, case)


def _notify(recipients, kind: str, title: str, case: Case, body: str | None = None) -> None:
    recipients = [u for u in recipients if u is not None]
    if not recipients:
        return
    from qinqing.core.notifications.services import do_notify

    do_notify(
        recipients,
        kind,
        title if case.number in title else f"{title}：{case.number}",
        body if body is not None else case.title,
        link=_link(case),
    )


def _link(case: Case) -> str:
    return f"/cases/{case.pk}/"
