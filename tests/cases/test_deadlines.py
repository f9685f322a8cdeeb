"""催办 before the deadline, escalation to the department head once it has passed."""

import pytest

from qinqing.cases.models import Case
from qinqing.cases.services import do_open_case, do_transition, remind_and_escalate
from qinqing.core.models import Notification
from tests.cases.conftest import at


@pytest.fixture
def dispatched(office, regions):
    case = do_open_case(
        office["requester"],
        case_type="general",
        title="厂区道路积水",
        region=regions["zhuma"],
        requester=office["requester"],
        now=at("2026-03-02 09:00"),
    )
    for actor, code, extra in [
        (office["dispatcher"], "accept", {}),
        (office["dispatcher"], "dispatch", {"department": office["economy"]}),
        (office["economy_handler"], "sign", {}),
    ]:
        case = do_transition(actor, case, code, now=at("2026-03-02 10:00"), **extra)
    return case  # due 2026-03-16 17:30


def inbox(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_nothing_happens_while_the_deadline_is_far(dispatched, office):
    assert remind_and_escalate(now=at("2026-03-10 09:00")) == (0, 0)


def test_the_handler_is_reminded_once_when_the_deadline_nears(dispatched, office):
    assert remind_and_escalate(now=at("2026-03-16 08:00")) == (1, 0)
    assert remind_and_escalate(now=at("2026-03-16 09:00")) == (0, 0)

    reminder = inbox(office["economy_handler"], "case.reminder").get()
    assert dispatched.number in reminder.title and "即将到期" in reminder.title


def test_an_overdue_case_is_escalated_to_the_department_head_once(dispatched, office):
    assert remind_and_escalate(now=at("2026-03-17 09:00")) == (0, 1)
    assert remind_and_escalate(now=at("2026-03-18 09:00")) == (0, 0)

    assert inbox(office["head"], "case.overdue").count() == 1
    assert Case.objects.get(pk=dispatched.pk).escalated_at == at("2026-03-17 09:00")


def test_a_case_past_its_deadline_is_flagged_overdue_until_it_is_answered(dispatched, office):
    case = Case.objects.get(pk=dispatched.pk)
    assert case.is_overdue  # due 2026-03-16 and still being worked on
    case = do_transition(office["economy_handler"], case, "start")
    case = do_transition(office["economy_handler"], case, "reply", note="已处理")
    assert not case.is_overdue


def test_an_approved_extension_allows_a_new_reminder_and_escalation(dispatched, office):
    remind_and_escalate(now=at("2026-03-17 09:00"))
    case = do_transition(
        office["economy_handler"],
        Case.objects.get(pk=dispatched.pk),
        "start",
        now=at("2026-03-17 09:30"),
    )
    case = do_transition(
        office["economy_handler"],
        case,
        "request_extension",
        note="等材料",
        due_at=at("2026-03-27 17:30"),
        now=at("2026-03-17 10:00"),
    )
    do_transition(office["head"], case, "approve_extension", now=at("2026-03-17 11:00"))

    assert remind_and_escalate(now=at("2026-03-27 08:00")) == (1, 0)
    assert remind_and_escalate(now=at("2026-03-30 09:00")) == (0, 1)


def test_the_reminder_command_reports_what_it_did(dispatched):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("case_reminders", stdout=out)
    assert "超期上报 1 件" in out.getvalue()  # due 2026-03-16, long past
