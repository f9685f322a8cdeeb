"""What every page says alike: deadlines, status badges, drop-downs, the enterprise home."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

import qinqing
from qinqing.core.forms import PleaseChoose
from qinqing.core.templatetags.ui import countdown
from tests.conftest import client_for

NOW = timezone.make_aware(datetime.datetime(2026, 3, 10, 9, 0))


@pytest.mark.parametrize(
    ("due", "words"),
    [
        (NOW + datetime.timedelta(days=3, hours=5), "还剩 3 天"),
        (NOW + datetime.timedelta(hours=5, minutes=30), "还剩 5 小时"),
        (NOW + datetime.timedelta(minutes=20), "还剩不到 1 小时"),
        (NOW - datetime.timedelta(minutes=20), "超期 1 小时"),
        (NOW - datetime.timedelta(hours=7), "超期 7 小时"),
        (NOW - datetime.timedelta(days=2, hours=3), "超期 2 天"),
        (datetime.date(2026, 3, 12), "还剩 2 天"),
        (datetime.date(2026, 3, 10), "今天到期"),
        (datetime.date(2026, 3, 1), "超期 9 天"),
        (None, ""),
    ],
)
def test_a_deadline_reads_as_days_or_hours_left_or_overdue(due, words):
    assert countdown(due, NOW) == words


def render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


def test_a_running_deadline_is_coloured_by_urgency_and_keeps_its_exact_time():
    late = render("{% deadline due '' now %}", due=NOW - datetime.timedelta(days=1), now=NOW)
    assert 'class="deadline overdue"' in late and "超期 1 天" in late and "期限 03-09 09:00" in late
    soon = render(
        "{% deadline due 'in_progress' now %}", due=NOW + datetime.timedelta(hours=30), now=NOW
    )
    assert 'class="deadline soon"' in soon and "还剩 1 天" in soon
    calm = render("{% deadline due 'open' now %}", due=NOW + datetime.timedelta(days=5), now=NOW)
    assert 'class="deadline "' in calm and "还剩 5 天" in calm


@pytest.mark.parametrize("kind", ["resolved", "closed", "rejected"])
def test_a_stopped_clock_shows_the_date_and_never_says_overdue(kind):
    html = render(
        "{% deadline due kind now %}", due=NOW - datetime.timedelta(days=4), kind=kind, now=NOW
    )
    assert html == '<span class="deadline done">期限 2026-03-06 09:00</span>'


def test_the_status_badge_takes_its_colour_from_the_state_kind():
    assert render("{% status_badge '已派单' 'in_progress' %}") == (
        '<span class="status-badge kind-in_progress">已派单</span>'
    )
    assert 'kind-other">' in render("{% status_badge '已摸排' 'surveyed' %}")


def project_forms():
    for module in pkgutil.walk_packages(qinqing.__path__, "qinqing."):
        if ".migrations" in module.name or module.name.startswith("qinqing.settings"):
            continue
        loaded = importlib.import_module(module.name)
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.name:
                yield cls


def test_every_form_of_the_project_says_please_choose():
    found = list(project_forms())
    assert len(found) >= 10
    assert [cls.__name__ for cls in found if not issubclass(cls, PleaseChoose)] == []


def test_drop_downs_offer_please_choose_instead_of_dashes(users):
    from qinqing.core.models import Enterprise
    from qinqing.enterprise.forms import LandParcelForm, ProblemForm

    html = (
        LandParcelForm(actor=users["admin"]).as_div()
        + ProblemForm(enterprises=Enterprise.objects.all()).as_div()
    )
    assert "---------" not in html
    assert html.count('<option value="" selected>请选择</option>') >= 3


def test_an_enterprise_calls_for_help_with_one_tap_from_its_home(users):
    page = client_for(users["enterprise"]).get("/").content.decode()
    assert 'class="button primary call-now" href="/station/call/"' in page
    assert "call-now" not in client_for(users["staff"]).get("/").content.decode()


def test_every_page_starts_with_a_skip_link_to_the_main_content(users):
    page = client_for(users["staff"]).get("/").content.decode()
    assert page.index('<a class="skip-link" href="#main">跳到主要内容</a>') < page.index("<header")
    assert '<main class="page" id="main"' in page


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_an_instant_call_says_which_liaison_it_went_to(users, regions, enterprise):
    from qinqing.core.models import Department, Role
    from qinqing.enterprise.services import do_assign_liaison
    from tests.conftest import make_user

    office = Department.objects.create(name="竹马乡企业服务办公室", region=regions["zhuma"])
    liaison = make_user(Role.STAFF, "liaison", regions=[regions["zhuma"]], department=office)
    liaison.full_name = "王联络"
    liaison.save()
    do_assign_liaison(users["admin"], enterprise, liaison)
    client = client_for(users["enterprise"])
    response = client.post("/station/call/", {"title": "急需叉车司机"}, follow=True)
    [said] = shown_messages(response)
    assert said.startswith("已发出呼叫，编号 HJ") and said.endswith("已派给联企服务员 王联络")


def test_registering_a_case_or_a_parcel_names_what_was_registered(users, regions):
    client = client_for(users["admin"])
    response = client.post(
        "/cases/new/",
        {
            "case_type": "general",
            "title": "路灯不亮",
            "priority": "normal",
            "region": regions["zhuma"].code,
        },
        follow=True,
    )
    [said] = shown_messages(response)
    assert said.startswith("已登记事项 GD") and said.endswith("：路灯不亮")

    response = client.post(
        "/station/land/",
        {
            "name": "竹马乡3号地块",
            "region": regions["zhuma"].code,
            "area_mu": "18.5",
            "kind": "idle",
            "status": "surveyed",
            "surveyed_on": "2026-03-01",
        },
        follow=True,
    )
    assert shown_messages(response) == ["已登记地块 竹马乡3号地块（18.5 亩）"]
