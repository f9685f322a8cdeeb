"""Investment agency services: write, audit and notify in one transaction.

Durations are computed from the milestones' actual dates in the database
(``with_durations``, ``figures``), never typed in.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import (
    Case as When_,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from qinqing.cases.models import Case, StateKind
from qinqing.cases.services import do_claim, do_open_case, do_transition
from qinqing.core import access, audit
from qinqing.core.models import Department, Region, Role, User, Visit
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.investment.case_types import MATTER, PROBLEM, TASK
from qinqing.investment.forms import ProjectForm
from qinqing.investment.models import (
    AgencyMatter,
    KeyTask,
    MatterMaterial,
    Milestone,
    ProgressReport,
    Project,
    ProjectParcel,
    ProjectProblem,
    ProjectStatus,
    SubGoal,
    Team,
)
from qinqing.investment.models import (
    MilestoneKind as K,
)

# The milestones of every project, in order, with what each waits for.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (K.SIGNING, ()),
    (K.DELISTING, (K.SIGNING,)),
    (K.PROPERTY, (K.DELISTING,)),
    (K.LAND_PLANNING, (K.DELISTING,)),
    (K.WORKS_PLANNING, (K.LAND_PLANNING,)),
    (K.CONSTRUCTION, (K.WORKS_PLANNING, K.PROPERTY)),
    (K.START, (K.CONSTRUCTION,)),
    (K.COMPLETION, (K.START,)),
    (K.PRODUCTION, (K.COMPLETION,)),
)
# The four certificates "拿地即开工" needs in hand.
CERTIFICATES = (K.PROPERTY, K.LAND_PLANNING, K.WORKS_PLANNING, K.CONSTRUCTION)
# The status a project reaches with each milestone done.
STATUS_AFTER = {
    K.DELISTING: ProjectStatus.PREPARING,
    K.START: ProjectStatus.BUILDING,
    K.COMPLETION: ProjectStatus.COMPLETED,
    K.PRODUCTION: ProjectStatus.PRODUCING,
}
DAYS_PER_MONTH = Decimal("30.44")  # 365.25 / 12


def quick_start_days() -> int:
    """ "拿地即开工": certificates and start within this many days of delisting (setting)."""
    return int(getattr(settings, "QINQING_INVESTMENT_QUICK_START_DAYS", 30))


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise Forbidden(perm)


# --- projects and milestones -----------------------------------------------------


def do_create_project(actor: User, data, planned: dict | None = None) -> Project:
    """Register a project with its nine milestones (and their planned dates, if given)."""
    _require(actor, "investment.add_project")
    form = ProjectForm(data, actor=actor)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    planned = planned or {}
    with transaction.atomic(), audit.acting_as(actor):
        project = form.save()
        milestones = Milestone.objects.bulk_create(
            Milestone(project=project, kind=kind, sequence=index, planned_on=planned.get(kind))
            for index, (kind, _) in enumerate(STAGES, start=1)
        )
        by_kind = {m.kind: m for m in milestones}
        Milestone.depends_on.through.objects.bulk_create(
            Milestone.depends_on.through(
                from_milestone_id=by_kind[kind].pk, to_milestone_id=by_kind[needed].pk
            )
            for kind, needs in STAGES
            for needed in needs
        )
        audit.record_event(actor, project, "milestones_planned", milestones=len(milestones))
    return project


def do_add_parcel(actor: User, project: Project, *, name, area_mu, delisted_on, price):
    _require(actor, "investment.add_projectparcel")
    errors = {}
    if not (name or "").strip():
        errors["name"] = ["必填"]
    if area_mu is None or Decimal(area_mu) <= 0:
        errors["area_mu"] = ["应大于0"]
    if price is None or Decimal(price) < 0:
        errors["price"] = ["不能为负数"]
    if errors:
        raise InvalidInput(errors, {"name": "地块名称", "area_mu": "面积（亩）", "price": "成交价"})
    with transaction.atomic(), audit.acting_as(actor):
        return ProjectParcel.objects.create(
            project=project,
            name=name.strip(),
            area_mu=area_mu,
            delisted_on=delisted_on,
            price=price,
        )


def do_plan_milestone(actor: User, milestone: Milestone, planned_on: datetime.date) -> Milestone:
    _require(actor, "investment.change_milestone")
    with transaction.atomic(), audit.acting_as(actor):
        milestone.planned_on = planned_on
        milestone.save(update_fields=["planned_on"])
    return milestone


def do_plan_project(actor: User, project: Project, planned: list) -> int:
    """Set the planned dates of several of ``project``'s milestones at once (all or none);
    ``planned`` is a list of (milestone, date or None). Returns how many changed."""
    _require(actor, "investment.change_milestone")
    if any(m.project_id != project.pk for m, _ in planned):
        raise InvalidInput({"milestone": ["节点不属于该项目"]}, {"milestone": "节点"})
    with transaction.atomic(), audit.acting_as(actor):
        for milestone, day in planned:
            do_plan_milestone(actor, milestone, day)
    return len(planned)


def do_complete_milestone(
    actor: User,
    milestone: Milestone,
    *,
    done_on: datetime.date,
    certificate_no: str = "",
    scan=None,
    today: datetime.date | None = None,
) -> Milestone:
    """Mark a milestone done with its evidence; refused while what it waits for is not done.

    ``today`` is the latest date allowed (the demo's date when it loads history).
    """
    _require(actor, "investment.change_milestone")
    with transaction.atomic(), audit.acting_as(actor):
        return complete_milestone(
            actor,
            milestone,
            done_on=done_on,
            certificate_no=certificate_no,
            scan=scan,
            today=today or timezone.localdate(),
        )


def complete_milestone(
    recorder: User,
    milestone: Milestone,
    *,
    done_on: datetime.date | None,
    certificate_no: str = "",
    scan=None,
    today: datetime.date,
    date_field: str = "done_on",
    date_label: str = "实际日期",
) -> Milestone:
    """The milestone logic itself, for a caller already inside a transaction that attributes
    the audit entries (``do_complete_milestone``; the engine's 办结 of a linked agency matter).

    Checks no permission; refuses with ``InvalidInput`` (errors on ``date_field`` and
    ``certificate_no``) while what the milestone waits for is not done.
    """
    labels = {date_field: date_label, "certificate_no": "证书编号"}
    # Lock the project's milestones: two clerks recording at once see each other's dates.
    list(Milestone.objects.select_for_update().filter(project_id=milestone.project_id))
    milestone.refresh_from_db()
    needs = milestone.depends_on.order_by("sequence")
    pending = [m.get_kind_display() for m in needs if m.done_on is None]
    if pending:
        raise InvalidInput(
            {date_field: [f"“{milestone.get_kind_display()}”须先完成：{'、'.join(pending)}"]},
            labels,
        )
    if milestone.done_on is not None:
        raise InvalidInput({date_field: ["该节点已完成"]}, labels)
    if done_on is None:
        raise InvalidInput({date_field: ["必填"]}, labels)
    earlier = [m for m in needs if m.done_on > done_on]
    if earlier:
        names = "、".join(f"{m.get_kind_display()}（{m.done_on:%Y-%m-%d}）" for m in earlier)
        raise InvalidInput({date_field: [f"不能早于前置节点：{names}"]}, labels)
    if done_on > today:
        raise InvalidInput({date_field: ["不能晚于今天"]}, labels)
    certificate_no = (certificate_no or "").strip()
    if milestone.kind in CERTIFICATES and not certificate_no:
        raise InvalidInput({"certificate_no": ["证照节点须填写证书编号"]}, labels)
    milestone.done_on = done_on
    milestone.certificate_no = certificate_no
    milestone.recorded_by = recorder
    if scan is not None:
        milestone.scan = scan
    milestone.save()
    status = STATUS_AFTER.get(milestone.kind)
    if status:
        Project.objects.filter(pk=milestone.project_id).update(status=status)
    return milestone


def fill_milestone_from_matter(move) -> dict:
    """Effect of an agency matter's 办结: the certificate number and date the department
    entered mark the linked milestone done (same checks as ``do_complete_milestone``).

    Runs inside the engine's transaction and audit context, so a refusal leaves nothing
    saved. A milestone already recorded by hand keeps its evidence.
    """
    matter = AgencyMatter.objects.filter(case_id=move.case.pk).select_related("milestone").first()
    if matter is None or matter.milestone is None or matter.milestone.done_on is not None:
        return {}
    today = timezone.localdate(move.now)
    issued_on = move.values.get("issued_on")  # validated by the engine, kept as ISO text
    complete_milestone(
        move.actor,
        matter.milestone,
        done_on=datetime.date.fromisoformat(issued_on) if issued_on else today,
        certificate_no=move.values.get("certificate_no", ""),
        today=today,
        date_field="issued_on",
        date_label="发证日期",
    )
    return {}


def _done(kind: str):
    return Subquery(
        Milestone.objects.filter(project=OuterRef("pk"), kind=kind)
        .order_by()
        .values("done_on")[:1],
        output_field=DateField(),
    )


def _certificates():
    return (
        Milestone.objects.filter(
            project=OuterRef("pk"), kind__in=CERTIFICATES, done_on__isnull=False
        )
        .order_by()
        .values("project")
    )


def with_durations(projects, days: int | None = None):
    """Projects annotated with their dates and durations, computed in the database.

    ``delisted_on``, ``started_on``, ``completed_on``; ``delist_to_start`` and
    ``start_to_completion`` (durations); ``quick_start`` — all four certificates
    issued and construction started within ``days`` of delisting.
    """
    window = datetime.timedelta(days=quick_start_days() if days is None else days)
    return projects.annotate(
        signed_on=_done(K.SIGNING),
        delisted_on=_done(K.DELISTING),
        started_on=_done(K.START),
        completed_on=_done(K.COMPLETION),
        certificates_done=Coalesce(
            Subquery(_certificates().annotate(n=Count("pk")).values("n")[:1]), 0
        ),
        last_certificate_on=Subquery(
            _certificates().annotate(last=Max("done_on")).values("last")[:1],
            output_field=DateField(),
        ),
    ).annotate(
        delist_to_start=ExpressionWrapper(
            F("started_on") - F("delisted_on"), output_field=DurationField()
        ),
        start_to_completion=ExpressionWrapper(
            F("completed_on") - F("started_on"), output_field=DurationField()
        ),
        quick_start=When_(
            When(
                Q(
                    certificates_done=len(CERTIFICATES),
                    last_certificate_on__lte=F("delisted_on") + window,
                    started_on__lte=F("delisted_on") + window,
                ),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def months(duration: datetime.timedelta | None) -> Decimal | None:
    """A duration in months (of 30.44 days), to one decimal."""
    if duration is None:
        return None
    # An average of durations need not be whole days: keep its fraction of a day.
    days = Decimal(duration.days) + Decimal(duration.seconds) / 86400
    return (days / DAYS_PER_MONTH).quantize(Decimal("0.1"))


def figures(projects) -> dict:
    """The board's headline figures over a (visible) project queryset, in one query."""
    totals = with_durations(projects.order_by()).aggregate(
        n_projects=Count("pk"),
        investment=Sum("total_investment"),
        n_quick=Count("pk", filter=Q(quick_start=True)),
        avg_days=Avg("delist_to_start"),
        avg_build=Avg("start_to_completion"),
    )
    average_days = totals["avg_days"]
    return {
        "projects": totals["n_projects"],
        "investment": totals["investment"] or Decimal(0),
        "quick_start": totals["n_quick"],
        "avg_delist_to_start_days": (
            round(average_days.total_seconds() / 86400, 1) if average_days is not None else None
        ),
        "avg_start_to_completion_months": months(totals["avg_build"]),
    }


# --- agency matters (代办事项) ------------------------------------------------------


def do_open_matter(
    actor: User,
    project: Project,
    *,
    title: str,
    department: Department,
    legal_days: int,
    materials: list[str] = (),
    milestone: Milestone | None = None,
    description: str = "",
    now: datetime.datetime | None = None,
) -> AgencyMatter:
    """Register an agency matter and route it to the owning department at once.

    Its deadline is the matter's legal time limit in working days (the engine's
    calendar) from when it reaches the department; the investor's accounts follow it.
    """
    _require(actor, "investment.add_agencymatter")
    if not access.visible(Project, actor).filter(pk=project.pk).exists():
        raise Forbidden("investment.add_agencymatter")
    labels = {"legal_days": "法定时限（工作日）", "materials": "材料清单"}
    if not isinstance(legal_days, int) or not 1 <= legal_days <= 120:
        raise InvalidInput({"legal_days": ["应为1至120之间的整数"]}, labels)
    names = [name.strip() for name in materials if name and name.strip()]
    if len(set(names)) != len(names):
        raise InvalidInput({"materials": ["材料名称重复"]}, labels)
    investor_account = project.investor.accounts.filter(is_active=True).order_by("pk").first()
    with transaction.atomic():
        case = do_open_case(
            actor,
            case_type=MATTER,
            title=title,
            description=description,
            region=project.town,
            enterprise=project.investor,
            requester=investor_account,
            routed=True,
            now=now,
        )
        matter = AgencyMatter.objects.create(
            case=case,
            project=project,
            milestone=milestone,
            department=department,
            legal_days=legal_days,
        )
        MatterMaterial.objects.bulk_create(
            MatterMaterial(matter=matter, name=name) for name in names
        )
        do_transition(None, case, "dispatch", department=department, now=now)
    matter.case.refresh_from_db()
    return matter


def do_receive_material(
    actor: User, material: MatterMaterial, received_on: datetime.date | None
) -> MatterMaterial:
    """Tick a material in (or out, with None) on the matter's checklist."""
    _require(actor, "investment.change_mattermaterial")
    if not access.visible(MatterMaterial, actor).filter(pk=material.pk).exists():
        raise Forbidden("investment.change_mattermaterial")
    with transaction.atomic(), audit.acting_as(actor):
        material.received_on = received_on
        material.save(update_fields=["received_on"])
    return material


# --- visits and the problems they raise ----------------------------------------------


def do_record_problem(
    actor: User,
    project: Project,
    *,
    title: str,
    description: str = "",
    visit: Visit | None = None,
    now: datetime.datetime | None = None,
) -> ProjectProblem:
    """A problem found (on a visit, usually): a case on the work-order flow."""
    _require(actor, "investment.add_projectproblem")
    if not access.visible(Project, actor).filter(pk=project.pk).exists():
        raise Forbidden("investment.add_projectproblem")
    if visit is not None and visit.enterprise_id != project.investor_id:
        raise InvalidInput({"visit": ["走访的企业不是该项目的投资企业"]}, {"visit": "走访记录"})
    with transaction.atomic():
        case = do_open_case(
            actor,
            case_type=PROBLEM,
            title=title,
            description=description,
            region=project.town,
            enterprise=project.investor,
            visit=visit,
            requester=project.investor.accounts.filter(is_active=True).order_by("pk").first(),
            now=now,
        )
        return ProjectProblem.objects.create(case=case, project=project)


def agency_figures(projects) -> dict:
    """The agency team's enterprise visits (its officers' departments), the projects' matters
    and problems solved — counted from the records."""
    visits = Visit.objects.filter(
        visitor__department__in=projects.values("officer__department"), enterprise__isnull=False
    )
    matters = AgencyMatter.objects.filter(project__in=projects).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(case__kind=StateKind.CLOSED))
    )
    problems = ProjectProblem.objects.filter(project__in=projects).aggregate(
        total=Count("pk"), solved=Count("pk", filter=Q(case__solved=True))
    )
    return {
        "visits": visits.count(),
        "matters": matters["total"],
        "matters_done": matters["done"],
        "problems": problems["total"],
        "problems_solved": problems["solved"],
    }


# --- 揭榜挂帅 ----------------------------------------------------------------------------


def do_create_team(
    actor: User, *, name: str, town: Region, leader: User, members: list[User]
) -> Team:
    _require(actor, "investment.add_team")
    access.require_region(actor, town, "town")
    if not (name or "").strip():
        raise InvalidInput({"name": ["必填"]}, {"name": "小组名称"})
    labels = {"name": "小组名称", "leader": "组长", "members": "组员"}
    cadres = {Role.STAFF, Role.LEADER}
    if leader.role not in cadres or not leader.is_active:
        raise InvalidInput({"leader": ["组长应为在职干部账号"]}, labels)
    if any(m.role not in cadres or not m.is_active for m in members):
        raise InvalidInput({"members": ["组员应为在职干部账号"]}, labels)
    try:
        with transaction.atomic(), audit.acting_as(actor):
            team = Team.objects.create(name=name.strip(), town=town, leader=leader)
            team.members.set({leader, *members})
    except IntegrityError:  # the name is unique: two clerks creating the same team at once
        raise InvalidInput({"name": ["已有同名的攻坚小组"]}, labels) from None
    return team


def do_post_task(
    actor: User,
    *,
    title: str,
    goals: str,
    deadline: datetime.date,
    project: Project | None,
    leader: User,
    sub_goals: list[tuple[str, datetime.date]] = (),
    town: Region,
    now: datetime.datetime | None = None,
) -> KeyTask:
    """揭榜: post a key task for a team to claim; ``leader`` accepts it or hands it back."""
    _require(actor, "investment.add_keytask")
    labels = {"goals": "目标", "deadline": "完成期限", "leader": "验收领导"}
    errors = {}
    if not (goals or "").strip():
        errors["goals"] = ["必填"]
    today = timezone.localdate(now) if now else timezone.localdate()
    if deadline is None or deadline < today:
        errors["deadline"] = ["完成期限不能早于今天"]
    if leader.role not in {Role.LEADER, Role.STAFF, Role.ADMIN}:
        errors["leader"] = ["验收人应为领导或工作人员"]
    if errors:
        raise InvalidInput(errors, labels)
    with transaction.atomic():
        case = do_open_case(
            actor,
            case_type=TASK,
            title=title,
            description=goals,
            region=town,
            requester=leader,
            enterprise=project.investor if project else None,
            routed=True,
            now=now,
        )
        # The task's deadline is the case's: the engine's countdown, 超期 and reminders apply.
        due_at = timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(23, 59)))
        Case.objects.filter(pk=case.pk).update(due_at=due_at)
        case.due_at = due_at
        task = KeyTask.objects.create(case=case, project=project, goals=goals, deadline=deadline)
        SubGoal.objects.bulk_create(
            SubGoal(task=task, title=goal, due_on=due) for goal, due in sub_goals
        )
    return task


def do_claim_task(actor: User, task: KeyTask, now=None) -> KeyTask:
    """A team claims a task (one team per task: the engine's conditional UPDATE)."""
    if now is None:
        do_claim(actor, task.case)
    else:  # history loaded by the demo
        do_transition(actor, task.case, "claim", now=now)
    task.case.refresh_from_db()
    return task


def _holds(actor: User, task: KeyTask) -> None:
    from qinqing.cases.claims import holds_claim

    if not holds_claim(actor, task.case):
        raise Forbidden("investment.change_subgoal")


def do_report_progress(actor: User, task: KeyTask, text: str, now=None) -> ProgressReport:
    _holds(actor, task)
    if not (text or "").strip():
        raise InvalidInput({"text": ["必填"]}, {"text": "进展情况"})
    with transaction.atomic(), audit.acting_as(actor):
        return ProgressReport.objects.create(
            task=task, author=actor, text=text.strip(), created_at=now or timezone.now()
        )


def do_finish_subgoal(actor: User, goal: SubGoal, done_on: datetime.date) -> SubGoal:
    _holds(actor, goal.task)
    with transaction.atomic(), audit.acting_as(actor):
        goal.done_on = done_on
        goal.save(update_fields=["done_on"])
    return goal


def team_board(teams=None) -> list[dict]:
    """Teams ranked by key tasks accepted on time (then accepted, then claimed)."""
    claimed = KeyTask.objects.filter(
        case__claimant_type__app_label="investment", case__claimant_type__model="team"
    )
    stats = (
        claimed.annotate(accepted_on=TruncDate("case__closed_at"))
        .values("case__claimant_id")
        .annotate(
            claimed=Count("pk"),
            accepted=Count("pk", filter=Q(case__kind=StateKind.CLOSED)),
            on_time=Count(
                "pk", filter=Q(case__kind=StateKind.CLOSED, accepted_on__lte=F("deadline"))
            ),
        )
        .order_by()
    )
    by_team = {row["case__claimant_id"]: row for row in stats}
    teams = (
        (teams if teams is not None else Team.objects.all())
        .annotate(size=Count("members", distinct=True))
        .select_related("leader")
    )
    board = [
        {
            "team": team,
            "members": team.size,
            "claimed": by_team.get(team.pk, {}).get("claimed", 0),
            "accepted": by_team.get(team.pk, {}).get("accepted", 0),
            "on_time": by_team.get(team.pk, {}).get("on_time", 0),
        }
        for team in teams
    ]
    board.sort(key=lambda r: (-r["on_time"], -r["accepted"], -r["claimed"], r["team"].name))
    return board
