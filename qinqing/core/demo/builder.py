"""Core's demo steps: regions, departments, enterprises, people, accounts, visits.

Enterprises, people and visits go through the core services, so the demo data
passes the same validation as typed-in data and the audit trail names who
created it (the admin account; a visit, the staff member who made it).
Departments and accounts have no service of their own and are written with
the admin as the audit actor. ``ensure_*`` find a record by its natural key
and write only what is missing or different.
"""

from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from qinqing.core import services
from qinqing.core.demo import data
from qinqing.core.demo.registry import AccountRow, DemoContext, demo_step
from qinqing.core.models import (
    AuditEntry,
    Department,
    Enterprise,
    Person,
    Region,
    Role,
    User,
    Visit,
)
from qinqing.core.regions import load_regions

# All demo accounts share one password, hashed once per run with a fixed salt:
# a second run then sees by comparing strings that a password is unchanged,
# instead of paying a deliberately slow hash check per account. The salt is
# long enough for Django not to ask for a rehash at login.
DEMO_SALT = "qinqingDemoCountySalt2026"


# --- helpers other modules' steps use too ---------------------------------------


def ensure_department(
    ctx: DemoContext, name: str, region: Region, head: User | None = None
) -> Department:
    """The department ``name`` of ``region``; its head set when one is given."""
    department = Department.objects.filter(region=region, name=name).first()
    with ctx.acting():
        if department is None:
            department = Department.objects.create(name=name, region=region, head=head)
        elif head is not None and department.head_id != head.pk:
            department.head = head
            department.save(update_fields=["head"])
    ctx.departments[name] = department
    return department


def ensure_account(
    ctx: DemoContext,
    username: str,
    *,
    role: str,
    full_name: str,
    department: Department | None = None,
    regions: Iterable[Region] = (),
    enterprise: Enterprise | None = None,
    person: Person | None = None,
    superuser: bool = False,
    permissions: Iterable[str] = (),
    note: str = "",
) -> User:
    """A demo account with the demo password, listed in the printed accounts table.

    ``permissions`` ("app_label.codename") are granted to this user directly,
    beyond what the role gives.
    """
    if not ctx.password_hash:
        ctx.password_hash = make_password(ctx.password, salt=DEMO_SALT)
    regions = list(regions)
    wanted = {
        "role": role,
        "full_name": full_name,
        "department": department,
        "enterprise": enterprise,
        "person": person,
        "is_superuser": superuser,
        "is_staff": superuser,  # Django's admin site is for the system administrator
        "is_active": True,
        "password": ctx.password_hash,
    }
    user = User.objects.filter(username=username).first()
    with ctx.acting():
        if user is None:
            user = User.objects.create(username=username, **wanted)
        else:
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            if changed:
                for name in changed:
                    setattr(user, name, wanted[name])
                user.save(update_fields=changed)
        user.regions.set(regions)
        user.user_permissions.set([_permission(name) for name in permissions])
    ctx.users[username] = user
    row = AccountRow(
        username=username,
        role=user.get_role_display(),
        name=full_name,
        scope=_scope(user, regions, note),
        password=ctx.password,
    )
    ctx.accounts = [r for r in ctx.accounts if r.username != username] + [row]
    return user


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _scope(user: User, regions: list[Region], note: str) -> str:
    if user.role == Role.ENTERPRISE:
        parts = [user.enterprise.name]
    elif user.role == Role.RESIDENT:
        parts = [f"{user.person.name}本人"]
    elif regions:
        parts = [user.department.name] if user.department else []
        parts.append("、".join(region.name for region in regions))
    else:
        parts = ["全部区划"]
    if note:
        parts.append(note)
    return " · ".join(parts)


# --- the core steps ---------------------------------------------------------------


@demo_step("core.admin")
def admin_account(ctx: DemoContext) -> None:
    """The system administrator first: every later core record is attributed to it."""
    spec = data.ADMIN
    ctx.actor = ensure_account(
        ctx, spec.username, role=spec.role, full_name=spec.full_name, superuser=True, note=spec.note
    )


@demo_step("core.regions", after=["core.admin"])
def regions(ctx: DemoContext) -> None:
    with ctx.acting():
        load_regions()
    for key, (county, town) in data.REGIONS.items():
        ctx.regions[key] = (
            Region.objects.resolve_town(county, town) if town else Region.objects.get(code=county)
        )


@demo_step("core.departments", after=["core.regions"])
def departments(ctx: DemoContext) -> None:
    for spec in data.DEPARTMENTS:
        ensure_department(ctx, spec.name, ctx.regions[spec.region])


@demo_step("core.enterprises", after=["core.regions"])
def enterprises(ctx: DemoContext) -> None:
    plan = data.plan_enterprises(ctx.rng("core.enterprises"))
    codes = [spec.credit_code for specs in plan.values() for spec in specs]
    existing = Enterprise.objects.in_bulk(codes, field_name="credit_code")
    for group, specs in plan.items():
        ctx.enterprises[group] = []
        for spec in specs:
            enterprise = _ensure_enterprise(ctx, spec, existing.get(spec.credit_code))
            ctx.enterprises[group].append(enterprise)
            if spec.key:
                ctx.named[spec.key] = enterprise


def _ensure_enterprise(
    ctx: DemoContext, spec: data.EnterpriseSpec, enterprise: Enterprise | None
) -> Enterprise:
    region = ctx.regions[spec.region]
    wanted = {
        "name": spec.name,
        "industry_code": spec.industry_code,
        "region_id": region.pk,
        "land_area_mu": spec.land_area_mu,
        "employees": spec.employees,
        "above_scale": spec.above_scale,
        "address": spec.address,
    }
    form_data = {
        **wanted,
        "credit_code": spec.credit_code,
        "region": region.code,
        "land_area_mu": spec.land_area_mu if spec.land_area_mu is not None else "",
    }
    form_data.pop("region_id")
    if enterprise is None:
        return services.do_create_enterprise(ctx.actor, form_data)
    if any(getattr(enterprise, name) != value for name, value in wanted.items()):
        return services.do_update_enterprise(ctx.actor, enterprise, form_data)
    return enterprise


@demo_step("core.people", after=["core.regions"])
def people(ctx: DemoContext) -> None:
    from qinqing.core.crypto import lookup_hash

    plan = data.plan_people(ctx.rng("core.people"))
    hashes = [lookup_hash(spec.id_number) for g in plan.values() for spec in g]
    # Keyed by the number, not the stored hash: during a key rotation a row may hold an old hash.
    existing = {p.id_number: p for p in Person.objects.filter(id_number_hash__in=hashes)}
    for group, specs in plan.items():
        ctx.people[group] = []
        for spec in specs:
            person = _ensure_person(ctx, spec, existing.get(spec.id_number))
            ctx.people[group].append(person)
            if spec.key:
                ctx.named[spec.key] = person
    ctx.people["veterans"] = (
        ctx.people["baibu_veterans"]
        + ctx.people["baibu_young_veterans"]
        + ctx.people["haiyan_veterans"]
    )


def _ensure_person(ctx: DemoContext, spec: data.PersonSpec, person: Person | None) -> Person:
    region = ctx.regions[spec.region]
    form_data = {
        "name": spec.name,
        "id_number": spec.id_number,
        "phone": spec.phone,
        "region": region.code,
    }
    if person is None:
        return services.do_create_person(ctx.actor, form_data)
    if (person.name, person.phone, person.region_id) != (spec.name, spec.phone, region.pk):
        return services.do_update_person(ctx.actor, person, form_data)
    return person


@demo_step("core.accounts", after=["core.departments", "core.enterprises", "core.people"])
def accounts(ctx: DemoContext) -> None:
    for spec in data.ACCOUNTS:
        ensure_account(
            ctx,
            spec.username,
            role=spec.role,
            full_name=spec.full_name,
            department=ctx.departments[spec.department] if spec.department else None,
            regions=[ctx.regions[key] for key in spec.regions],
            enterprise=ctx.named[spec.enterprise] if spec.enterprise else None,
            person=ctx.named[spec.person] if spec.person else None,
            permissions=spec.permissions,
            note=spec.note,
        )
    for spec in data.DEPARTMENTS:
        if spec.head:
            ensure_department(ctx, spec.name, ctx.regions[spec.region], ctx.users[spec.head])
    ctx.liaisons = {
        enterprise.pk: ctx.users[data.liaison_for(index)]
        for index, enterprise in enumerate(ctx.enterprises["zhuma"])
    }


@demo_step("core.visits", after=["core.accounts"])
def visits(ctx: DemoContext) -> None:
    plan = data.plan_visits(
        ctx.rng("core.visits"),
        ctx.reference_date,
        data.plan_enterprises(ctx.rng("core.enterprises")),
        data.plan_people(ctx.rng("core.people")),
    )
    by_code = {e.credit_code: e for group in ctx.enterprises.values() for e in group}
    by_number = {p.id_number: p for group in ctx.people.values() for p in group}
    visitors = {ctx.users[spec.visitor] for spec in plan}
    done = set(
        Visit.objects.filter(visitor__in=visitors).values_list(
            "visitor_id", "visited_at", "enterprise_id", "person_id"
        )
    )
    for spec in plan:
        visitor = ctx.users[spec.visitor]
        enterprise = by_code.get(spec.enterprise)
        person = by_number.get(spec.person)
        visited_at = ctx.local_datetime(spec.day, spec.at)
        key = (visitor.pk, visited_at, enterprise and enterprise.pk, person and person.pk)
        if key in done:
            continue
        services.do_record_visit(
            visitor,
            {
                "visited_at": visited_at,
                "enterprise": enterprise.pk if enterprise else "",
                "person": person.pk if person else "",
                "companions": spec.companions,
                "notes": spec.notes,
                "follow_ups": spec.follow_ups,
                "follow_up_due": spec.follow_up_due or "",
            },
        )


# --- the summary the command prints ------------------------------------------------

GROUP_LABELS = {
    "zhuma": "竹马乡",
    "jiashan": "嘉善经开区",
    "huangzhai": "黄宅镇",
    "datong": "大同镇",
    "zhuji": "诸暨定点医药机构",
}


def summary(ctx: DemoContext) -> list[tuple[str, str]]:
    """(kind, how many) lines: what the database now holds, then what modules added."""
    by_group = "、".join(
        f"{label} {len(ctx.enterprises.get(group, []))}" for group, label in GROUP_LABELS.items()
    )
    lines = [
        ("行政区划", str(Region.objects.count())),
        ("部门", str(Department.objects.count())),
        ("账号", str(User.objects.count())),
        ("企业", f"{Enterprise.objects.count()}（{by_group}）"),
        ("人员", f"{Person.objects.count()}（退役军人 {len(ctx.people.get('veterans', []))}）"),
        ("走访记录", str(Visit.objects.count())),
    ]
    lines += [(label, str(number)) for label, number in ctx.counts]
    lines.append(("审计记录", str(AuditEntry.objects.count())))
    return lines
