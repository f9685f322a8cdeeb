"""``manage.py demo``: the demo county, its accounts, and running it again."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings

from qinqing.core import access, demo
from qinqing.core.demo import data, registry
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
from qinqing.core.validators import validate_id_number, validate_industry_code, validate_uscc
from tests.conftest import log_in

pytestmark = pytest.mark.slow  # builds the whole demo county

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """The demo built once for this module, inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        stdout = io.StringIO()
        with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
            call_command("demo", stdout=stdout)
    yield stdout.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def printed_accounts(output: str) -> dict[str, list[str]]:
    """Rows of the printed accounts table by username: [username, role, name, scope, password]."""
    lines = output.split("演示账号", 1)[1].splitlines()[3:]
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines]
    return {row[0]: row for row in rows if len(row) == 5}


def run_demo_again() -> str:
    stdout = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("demo", stdout=stdout)
    return stdout.getvalue()


def test_zhuma_has_its_87_enterprises_mostly_cement_and_building_materials(demo_output, db):
    zhuma = Region.objects.resolve_town("330702", "竹马乡")
    enterprises = Enterprise.objects.filter(region=zhuma)

    assert enterprises.count() == 87
    building_materials = enterprises.filter(industry_code__startswith="30").count()
    assert building_materials > 87 / 2
    assert 20 <= enterprises.filter(above_scale=True).count() <= 32  # about 30% 规上
    names = set(enterprises.values_list("name", flat=True))
    assert {"金华南方尖峰水泥有限公司", "浙江龙腾园林机械有限公司"} <= names
    assert any("龙达" in name for name in names)


def test_the_other_scenario_towns_have_their_enterprises(demo_output, db):
    def count(county, town=None):
        region = (
            Region.objects.resolve_town(county, town) if town else Region.objects.get(code=county)
        )
        return Enterprise.objects.filter(region=region).count()

    assert count("330421") == 30  # 嘉善经济技术开发区
    assert count("330726", "黄宅镇") == 15
    assert count("330182", "大同镇") == 10
    medical = Enterprise.objects.filter(region__code="330681")
    assert medical.count() == 20
    assert all(code[:2] in {"84", "52"} for code in medical.values_list("industry_code", flat=True))


def test_every_id_number_and_credit_code_passes_the_validators(demo_output, db):
    from qinqing.veterans.demo import EXTRA_PEOPLE

    people = list(Person.objects.select_related("region"))
    # About 200 residents, the entitled persons of 海盐's 130 veterans' stations, and the
    # modules' own (talent's job seekers, workspace's team leaders).
    assert len(people) >= 200 + EXTRA_PEOPLE
    planned = data.plan_people(registry.DemoContext().rng("core.people"))
    core_numbers = {spec.id_number for group in planned.values() for spec in group}
    for person in people:
        assert validate_id_number(person.id_number) == person.id_number
        assert person.id_number[:6] == person.region.code[:6]  # issued in their county
        if person.id_number in core_numbers:  # core's residents: names that read as their sex
            assert 1940 <= person.birth_date.year <= 2005
            reads_as_a_woman = any(char in data.FEMININE for char in person.name[1:])
            assert person.gender == ("F" if reads_as_a_woman else "M")
    for enterprise in Enterprise.objects.select_related("region"):
        assert validate_uscc(enterprise.credit_code) == enterprise.credit_code
        assert enterprise.credit_code[2:8] == enterprise.region.code[:6]
        assert validate_industry_code(enterprise.industry_code) == enterprise.industry_code


def test_the_departments_of_the_scenarios_sit_in_their_counties(demo_output, db):
    expected = {
        ("区经商局", "330702"),
        ("区资规分局", "330702"),
        ("区统计局", "330702"),
        ("竹马乡企业服务办公室", "330702202"),
        ("县退役军人事务局", "330424"),
        ("百步镇退役军人服务站", "330424102"),
        ("市医保局", "330681"),
        ("市卫健局", "330681"),
        ("市人民法院", "330681"),
        ("黄宅镇代办队", "330726101"),
        ("县发改局", "330726"),
        ("嘉善经济技术开发区人才服务中心", "330421"),
        ("县人社局", "330421"),
        ("市委组织部人才办", "330182"),
        ("大同镇政府", "330182112"),
        # shared workstations: the county's office and the bundled services' partners
        ("建德市万个工位共享办公室", "330182"),
        ("建德农商银行大同支行（合作机构）", "330182"),
        ("建德市乡村设计联盟（合作机构）", "330182"),
        ("建德市代理记账服务中心（合作机构）", "330182"),
    }
    names = {name for name, _ in expected}
    core = Department.objects.filter(name__in=names)
    assert set(core.values_list("name", "region__code")) == expected
    # Modules' demo steps add their own (黄宅镇's approval bureaus): within a scenario county.
    counties = {code[:6] for _, code in expected}
    assert {code[:6] for code in Department.objects.values_list("region__code", flat=True)} <= (
        counties
    )
    bureau = Department.objects.get(name="区经商局")
    assert bureau.head.username == "wucheng"
    assert bureau.head.department == bureau


def test_every_printed_account_logs_in_with_its_printed_password(demo_output, db):
    printed = printed_accounts(demo_output)

    assert set(printed) == set(User.objects.values_list("username", flat=True))
    for username, row in printed.items():
        client = Client()
        assert log_in(client, username, row[4]).status_code == 302, username
        assert client.get("/").status_code == 200, username
    assert {user.role for user in User.objects.all()} == set(Role.values)


def test_the_admin_account_can_use_the_django_admin(demo_output, db):
    client = Client()
    log_in(client, "admin", demo.DEMO_PASSWORD)

    assert client.get("/admin/").status_code == 200


def test_staff_and_handlers_are_scoped_to_regions(demo_output, db):
    back_office = User.objects.filter(role__in=[Role.STAFF, Role.HANDLER])
    assert all(user.regions.exists() for user in back_office)

    liaison = User.objects.get(username="zhuma01")
    visible = access.visible(Enterprise, liaison)
    assert visible.count() == 87
    assert set(visible.values_list("region__name", flat=True)) == {"竹马乡"}
    assert access.visible(Enterprise, User.objects.get(username="wucheng")).count() == 87


def test_only_the_staff_member_granted_it_sees_full_personal_numbers(demo_output, db):
    granted = User.objects.get(username="haiyan")
    assert granted.user_permissions.filter(codename="view_personal_data").exists()
    assert access.can_unmask(granted)
    assert not access.can_unmask(User.objects.get(username="baibu"))


def test_the_resident_account_is_cai_the_73_year_old_veteran_of_baibu(demo_output, db):
    resident = User.objects.get(username="cai")  # other modules add residents of their own
    cai = resident.person

    assert cai.name.startswith("蔡")
    assert cai.region == Region.objects.resolve_town("330424", "百步镇")
    born = cai.birth_date
    reference = demo.reference_date()
    age = reference.year - born.year - ((reference.month, reference.day) < (born.month, born.day))
    assert age == 73
    assert cai.visits.filter(notes__contains="助听器").exists()


def test_every_enterprise_account_belongs_to_an_enterprise_of_zhuma(demo_output, db):
    accounts = User.objects.filter(role=Role.ENTERPRISE)

    assert accounts.filter(username="longteng").exists()
    for account in accounts:
        # 竹马乡's station, 黄宅镇's investors following their projects' matters,
        # 嘉善's employers posting jobs at the talent service center, and 诸暨's
        # insured enterprises asking 市医保局 (省心办).
        assert account.enterprise.region.name in {"竹马乡", "黄宅镇", "嘉善县", "诸暨市"}
        assert list(access.visible(Enterprise, account)) == [account.enterprise]


def test_visits_cover_every_zhuma_enterprise_within_the_year_before_the_reference_date(
    demo_output, db
):
    visits = Visit.objects.select_related("visitor", "enterprise__region")
    assert visits.count() >= 150
    start = demo.reference_date() - datetime.timedelta(days=366)
    for visit in visits:
        assert start <= visit.visited_at.date() < demo.reference_date()
    zhuma_visits = visits.filter(enterprise__region__name="竹马乡")
    assert zhuma_visits.values("enterprise").distinct().count() == 87  # 联企服务员全覆盖
    assert set(data.ZHUMA_LIAISONS) <= {v.visitor.username for v in zhuma_visits}
    assert visits.filter(person__isnull=False, visitor__username__in=["haiyan", "baibu"]).exists()
    assert visits.exclude(follow_ups="").filter(follow_up_due__isnull=False).exists()


def test_every_liaison_officer_is_known_to_later_steps(demo_output, db):
    ctx = demo.build()
    zhuma = set(Enterprise.objects.filter(region__name="竹马乡").values_list("pk", flat=True))

    assert set(ctx.liaisons) == zhuma
    assert {officer.username for officer in ctx.liaisons.values()} == set(data.ZHUMA_LIAISONS)


def test_the_demo_data_is_attributed_to_the_admin_account(demo_output, db):
    admin = User.objects.get(username="admin")
    created = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE)

    for model in ("enterprise", "person", "department", "region"):
        entries = created.filter(content_type__model=model)
        assert entries.exists()
        assert set(entries.values_list("actor", flat=True)) == {admin.pk}
    visit_actors = set(created.filter(content_type__model="visit").values_list("actor", flat=True))
    assert visit_actors == set(Visit.objects.values_list("visitor", flat=True))


def test_running_the_demo_again_changes_nothing(demo_output, db):
    def snapshot():
        return {
            "counts": [m.objects.count() for m in (Region, Department, User, Enterprise, Person)],
            "visits": set(Visit.objects.values_list("visitor", "visited_at", "enterprise")),
            "id_numbers": {p.id_number for p in Person.objects.all()},
            "credit_codes": set(Enterprise.objects.values_list("credit_code", flat=True)),
            "audit_entries": AuditEntry.objects.count(),
        }

    before = snapshot()
    output = run_demo_again()

    assert snapshot() == before
    assert printed_accounts(output) == printed_accounts(demo_output)


def test_the_data_is_the_same_on_every_run(demo_output, db):
    """What lands in the database is the seeded plan, which never varies."""
    ctx = registry.DemoContext()
    planned = data.plan_people(ctx.rng("core.people"))
    planned_again = data.plan_people(registry.DemoContext().rng("core.people"))

    assert planned == planned_again
    numbers = {spec.id_number for group in planned.values() for spec in group}
    # and the entitled persons of 海盐's veterans' stations (the veterans module's plan)
    from qinqing.veterans.demo import plan_people

    numbers |= {number for number, _name in plan_people(ctx.rng("veterans.records"))}
    # Every planned person is there (modules' own steps, talent's seekers among them, add more).
    assert numbers <= {p.id_number for p in Person.objects.all()}
    codes = {
        spec.credit_code
        for group in data.plan_enterprises(ctx.rng("core.enterprises")).values()
        for spec in group
    }
    assert codes <= set(Enterprise.objects.values_list("credit_code", flat=True))


def test_a_production_site_refuses_the_demo_unless_forced(db, settings):
    settings.DEBUG = False
    written_before = AuditEntry.objects.count()

    with pytest.raises(CommandError, match="--force"):
        call_command("demo", stdout=io.StringIO())
    assert AuditEntry.objects.count() == written_before


def test_a_module_step_runs_after_the_steps_it_names(monkeypatch):
    monkeypatch.setattr(registry, "STEPS", dict(registry.STEPS))

    @registry.demo_step("test.early", after=["test.late"])
    def early(ctx):
        pass

    @registry.demo_step("test.late", after=["core.visits"])
    def late(ctx):
        pass

    names = [step.name for step in registry.ordered_steps()]
    assert names.index("core.visits") < names.index("test.late") < names.index("test.early")
    assert names[0] == "core.admin"


def test_steps_waiting_on_each_other_are_refused(monkeypatch):
    monkeypatch.setattr(registry, "STEPS", dict(registry.STEPS))

    @registry.demo_step("test.one", after=["test.two"])
    def one(ctx):
        pass

    @registry.demo_step("test.two", after=["test.one"])
    def two(ctx):
        pass

    with pytest.raises(ImproperlyConfigured, match="cycle"):
        registry.ordered_steps()


def test_the_service_station_shows_the_figures_of_scenario_4(demo_output, db):
    from django.db.models import Sum

    from qinqing.cases.models import StateKind
    from qinqing.enterprise.models import GradeResult, LandParcel, Liaison, Problem

    zhuma = Region.objects.resolve_town("330702", "竹马乡")
    assert Liaison.objects.filter(enterprise__region=zhuma).count() == 87
    problems = Problem.objects.filter(enterprise__region=zhuma)
    assert problems.filter(case__kind=StateKind.CLOSED).count() >= 300
    assert set(problems.values_list("case__kind", flat=True)) == set(StateKind.values)
    recovered = LandParcel.objects.filter(status="recovered").aggregate(area=Sum("area_mu"))
    assert recovered["area"] == 300
    remediated = LandParcel.objects.filter(kind="low_efficiency", status="remediated")
    assert remediated.values("enterprise").distinct().count() == 8
    assert str(remediated.aggregate(area=Sum("area_mu"))["area"]).startswith("56.54")
    grades = GradeResult.objects.filter(year=2025, enterprise__region=zhuma)
    assert grades.count() == 87
    assert set(grades.values_list("grade", flat=True)) == {"A", "B", "C", "D"}
    assert grades.filter(low_efficiency=True).count() == 8


def test_zhujis_insured_enterprises_are_served_above_99_percent_satisfaction(demo_output, db):
    from qinqing.cases.models import Case, Satisfaction
    from qinqing.core.indicators import FIGURES, Scope, read

    leader = User.objects.get(username="leader")
    requests = Case.objects.filter(case_type__code="medinsure_service")
    assert requests.count() >= 100
    assert set(requests.values_list("department__name", flat=True)) == {"市医保局"}
    assert {c.requester.enterprise.region.name for c in requests} == {"诸暨市"}
    assert requests.filter(reopen_count__gt=0, satisfaction=Satisfaction.SATISFIED).exists()
    assert requests.filter(satisfaction="").exists()  # some still being handled

    satisfaction = read(FIGURES["medinsure.service_satisfaction"], Scope(leader))
    assert satisfaction.denominator > satisfaction.numerator >= 100  # one survey unsatisfied
    assert satisfaction.numerator * 100 >= 99 * satisfaction.denominator
    assert not satisfaction.below_target
    # the dental implant system: 5800 元 before 集采, 900 元 after
    cut = read(FIGURES["medinsure.procurement_cut"], Scope(leader))
    assert cut.value >= 45 and not cut.below_target
    compliance = read(FIGURES["medinsure.procurement_compliance"], Scope(leader))
    assert compliance.denominator > 0


def test_instant_calls_are_placed_by_enterprises_and_signed_by_their_liaisons(demo_output, db):
    from django.db.models import F

    from qinqing.cases.models import ACTIVE_KINDS, Case, StateKind
    from qinqing.enterprise.models import Liaison, Problem

    calls = Case.objects.filter(case_type__code="enterprise_call").select_related("requester")
    officers = dict(Liaison.objects.values_list("enterprise_id", "officer_id"))
    assert calls.count() == 52
    for call in calls:
        assert call.requester.role == Role.ENTERPRISE
        assert call.requester.enterprise_id == call.enterprise_id
    responded = calls.filter(responded_at__isnull=False)
    for call in responded:
        # The response is the liaison's 签收, at the moment it was signed.
        [signed] = call.events.filter(transition__in=["sign", "sign_and_start"])
        assert signed.actor_id == officers[call.enterprise_id]
        assert signed.created_at == call.responded_at
    late = responded.filter(responded_at__gt=F("respond_due_at")).count()
    assert (late, responded.count()) == (8, 50)
    closed = calls.filter(kind=StateKind.CLOSED)
    assert closed.count() == 43
    assert not closed.filter(solved__isnull=True).exists()  # 解决 recorded at every 回访
    assert closed.filter(solved=False).exists() and closed.filter(solved=True).exists()
    for call in closed:
        surveys = call.events.filter(transition__in=["satisfied", "unsatisfied"])
        assert set(surveys.values_list("actor", flat=True)) == {call.requester_id}
    assert calls.filter(kind__in=ACTIVE_KINDS, responded_at__isnull=True).count() == 2
    # Every call is on the problem list as a call; no other problem claims to be one.
    assert Problem.objects.filter(source="call").count() == 52
    assert not Problem.objects.filter(source="call").exclude(case__in=calls).exists()


def test_the_demo_has_a_session_ahead_and_problems_still_running_on_its_reference_day(
    demo_output, db
):
    from qinqing.cases.models import ACTIVE_KINDS
    from qinqing.enterprise.models import Problem, ServiceSession

    day = demo.reference_date()
    assert ServiceSession.objects.filter(starts_at__date__gt=day).exists()
    running = Problem.objects.filter(case__kind__in=ACTIVE_KINDS)
    assert running.filter(case__created_at__date__gte=day - datetime.timedelta(days=30)).exists()
