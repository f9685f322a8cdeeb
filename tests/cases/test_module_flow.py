"""A third flow, declared by a test app (``tests.flowapp``) without touching ``qinqing/cases``."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.cases import kpis
from qinqing.cases.models import Case, CaseType, StateKind, Transition
from qinqing.cases.services import (
    available_transitions,
    do_open_case,
    do_transition,
    run_timeouts,
)
from qinqing.cases.workflows import (
    WORKFLOWS,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
    install_registered,
    install_workflow,
)
from qinqing.core import access
from qinqing.core.models import Department, Notification, Role
from qinqing.core.services import InvalidInput
from tests.cases.conftest import at
from tests.conftest import client_for, make_user
from tests.flowapp.apps import HOOK_CALLS


@pytest.fixture
def bureau(regions):
    wucheng = regions["wucheng"]
    inspectors = Department.objects.create(name="医保稽核科", region=wucheng)
    return {
        "inspector": make_user(Role.STAFF, "inspector", regions=[wucheng], department=inspectors),
        "town_staff": make_user(Role.STAFF, "town-staff", regions=[wucheng]),
        "auditor": make_user(Role.STAFF, "auditor", regions=[wucheng]),
        "inspectors": inspectors,
    }


@pytest.fixture
def clue(bureau, regions):
    return do_open_case(
        bureau["inspector"],
        case_type="inspection_clue",
        title="某药房串换药品",
        region=regions["zhuma"],
        now=at("2026-03-02 09:00"),
    )


def evidence():
    return SimpleUploadedFile("核查记录.pdf", b"%PDF-1.4 evidence", "application/pdf")


def test_the_module_flow_runs_end_to_end_with_its_own_effect_and_notice(clue, bureau):
    HOOK_CALLS.clear()
    inspector = bureau["inspector"]
    do_transition(inspector, clue, "check", now=at("2026-03-02 10:00"))
    found = do_transition(
        inspector,
        Case.objects.get(pk=clue.pk),
        "find_violation",
        note="串换药品12次",
        values={"amount": "15800.50", "kind": "split"},
        attachments=[evidence()],
        now=at("2026-03-03 10:00"),
    )
    assert found.priority == "urgent"  # the module's own effect
    event = found.events.get(transition="find_violation")
    assert event.data == {"amount": "15800.50", "kind": "split"}
    assert event.attachments.get().name == "核查记录.pdf"
    assert Notification.objects.filter(
        recipient=bureau["auditor"], title__startswith="稽核认定违规，请复核"
    ).exists()

    closed = do_transition(inspector, Case.objects.get(pk=clue.pk), "close")
    # Entering a CLOSED-kind state closes the case — no 回访 effect borrowed.
    assert closed.kind == StateKind.CLOSED and closed.closed_at is not None
    assert closed.satisfaction == "" and closed.solved is None
    calls = list(HOOK_CALLS)
    assert calls == [
        (clue.number, "check"),
        (clue.number, "find_violation"),
        (clue.number, "close"),
    ]


def test_a_step_missing_its_declared_fields_or_attachment_is_refused_whole(clue, bureau):
    do_transition(bureau["inspector"], clue, "check")
    with pytest.raises(InvalidInput) as refused:
        do_transition(
            bureau["inspector"],
            Case.objects.get(pk=clue.pk),
            "find_violation",
            note="串换",
            values={"amount": "很多", "kind": "other"},
        )
    assert refused.value.errors == {"attachments": ["“认定违规”需要上传附件"]}
    with pytest.raises(InvalidInput) as refused:
        do_transition(
            bureau["inspector"],
            Case.objects.get(pk=clue.pk),
            "find_violation",
            note="串换",
            values={"amount": "很多", "kind": "other"},
            attachments=[evidence()],
        )
    assert refused.value.errors == {
        "amount": ["应为数字"],
        "kind": ["应为 高套编码、分解住院 之一"],
    }
    assert Case.objects.get(pk=clue.pk).state.code == "checking"


def test_the_types_visibility_hides_clues_from_the_regions_other_staff(clue, bureau):
    assert access.visible(Case, bureau["inspector"]).filter(pk=clue.pk).exists()
    assert not access.visible(Case, bureau["town_staff"]).filter(pk=clue.pk).exists()
    assert client_for(bureau["town_staff"]).get(f"/cases/{clue.pk}/").status_code == 404
    # Other types keep the default rule: the same staff still sees the region's work orders.
    order = do_open_case(
        bureau["inspector"], case_type="general", title="路灯不亮", region=clue.region
    )
    assert access.visible(Case, bureau["town_staff"]).filter(pk=order.pk).exists()


def test_the_types_own_case_role_decides_who_may_take_its_steps(clue, bureau):
    assert [t.code for t in available_transitions(bureau["inspector"], clue)] == ["check", "drop"]
    assert available_transitions(bureau["auditor"], clue) == []


def test_a_state_limit_runs_out_and_the_platform_takes_the_states_timeout(clue, bureau):
    checking = do_transition(bureau["inspector"], clue, "check", now=at("2026-03-02 10:00"))
    assert checking.state_due_at == at("2026-03-05 17:30")  # 3 working days
    # The state's own limit runs out before the case's: it is the one reminders follow.
    assert checking.running_due_at == checking.state_due_at < checking.due_at
    assert run_timeouts(now=at("2026-03-05 17:00")) == 0
    assert run_timeouts(now=at("2026-03-06 09:00")) == 1
    back = Case.objects.get(pk=clue.pk)
    assert back.state.code == "filed"
    assert back.events.last().label == "核查超时退回" and back.events.last().actor is None


def test_the_flows_indicators_apply_only_to_its_cases(clue, bureau, regions):
    do_transition(bureau["inspector"], clue, "check")
    do_transition(
        bureau["inspector"],
        Case.objects.get(pk=clue.pk),
        "find_violation",
        note="串换",
        values={"amount": "800", "kind": "split"},
        attachments=[evidence()],
    )
    do_transition(bureau["inspector"], Case.objects.get(pk=clue.pk), "close")
    do_open_case(bureau["inspector"], case_type="general", title="路灯", region=regions["zhuma"])

    rows = {row.label: row for row in kpis.kpis(Case.objects.all(), group_by="case_type")}
    clues, orders = rows["医保线索"], rows["一般事项"]
    assert clues.violation_rate == 100.0
    assert "satisfaction_rate" not in clues.figures and "response_rate" not in clues.figures
    assert "violation_rate" not in orders.figures and orders.figures["response_rate"]


def test_installing_a_flow_with_an_unregistered_effect_is_refused(db):
    broken = WorkflowSpec(
        code="broken",
        name="坏流程",
        states=(StateSpec("a", "甲", StateKind.OPEN, initial=True), StateSpec("b", "乙", "closed")),
        transitions=(TransitionSpec("go", "走", ("a",), "b", ("system",), effects=("teleport",)),),
    )
    with pytest.raises(ImproperlyConfigured, match="附加动作 teleport 未注册"):
        install_workflow(broken)


def test_migrate_keeps_what_an_administrator_changed(db):
    CaseType.objects.filter(code="inspection_clue").update(name="医保违规线索")
    limit = CaseType.objects.get(code="inspection_clue").time_limits.get()
    limit.resolve_days = 30
    limit.save()
    Transition.objects.filter(workflow__code="inspection", code="check").update(
        label="开始现场核查", roles=["nobody"]
    )

    install_registered()

    clue_type = CaseType.objects.get(code="inspection_clue")
    assert clue_type.name == "医保违规线索"
    assert clue_type.time_limits.get().resolve_days == 30
    check = Transition.objects.get(workflow__code="inspection", code="check")
    assert check.label == "开始现场核查"  # the admin's label stays
    assert check.roles == ["inspector"]  # the structure follows the code
    assert "inspection" in WORKFLOWS
