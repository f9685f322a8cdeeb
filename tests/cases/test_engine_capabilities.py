"""Engine capabilities modules rely on: claims by organisations with limits, parent and
child cases, per-type dispatchers, attachments through the API, notices that fit."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from qinqing.cases.models import Case, StateKind
from qinqing.cases.services import (
    AlreadyClaimed,
    ClaimLimitReached,
    TransitionRefused,
    available_transitions,
    do_claim,
    do_open_case,
    do_transition,
)
from qinqing.cases.workflows import CaseTypeSpec, install_case_type
from qinqing.core.models import Enterprise, Notification, Role
from qinqing.core.synthetic import make_credit_code
from tests.conftest import client_for, make_user


def fresh(case):
    return Case.objects.select_related("case_type", "state", "department").get(pk=case.pk)


@pytest.fixture
def wish_type(db):
    # 微心愿-style items claimed by enterprises, at most one open claim each.
    return install_case_type(
        CaseTypeSpec(
            code="test_wish",
            name="微心愿",
            module="tests",
            workflow="claim_task",
            number_prefix="XY",
            claimant_roles=("enterprise",),
            claimant_of=lambda user: user.enterprise,
            max_open_claims=1,
            claim_hours=72,
        )
    )


@pytest.fixture
def firms(regions):
    def firm(name, serial):
        enterprise = Enterprise.objects.create(
            name=name,
            credit_code=make_credit_code("330702", serial),
            industry_code="3011",
            region=regions["zhuma"],
        )
        staff = [make_user(Role.ENTERPRISE, f"{name}-{i}", enterprise=enterprise) for i in (1, 2)]
        return enterprise, staff

    return {"a": firm("甲公司", 3001), "b": firm("乙公司", 3002)}


def wish(office, regions, title="为老兵修缮屋顶"):
    return do_open_case(
        office["dispatcher"], case_type="test_wish", title=title, region=regions["zhuma"]
    )


def test_an_enterprise_claims_and_its_colleague_carries_the_claim_on(
    wish_type, firms, office, regions
):
    item = wish(office, regions)
    enterprise, (first, colleague) = firms["a"]
    claimed = do_claim(first, item)
    assert claimed.claimant_id == enterprise.pk
    assert "fulfil" in {t.code for t in available_transitions(colleague, fresh(item))}
    with pytest.raises(AlreadyClaimed):
        do_claim(firms["b"][1][0], fresh(item))
    done = do_transition(colleague, fresh(item), "fulfil", note="屋顶已修好")
    confirmed = do_transition(office["dispatcher"], fresh(done), "confirm")
    # Confirming closes the item without borrowing the 回访 effect.
    assert confirmed.kind == StateKind.CLOSED and confirmed.closed_at is not None
    assert confirmed.satisfaction == "" and confirmed.survey_count == 0


def test_a_claimant_holds_no_more_open_claims_than_the_type_allows(
    wish_type, firms, office, regions
):
    first, second = wish(office, regions, "一"), wish(office, regions, "二")
    staff = firms["a"][1]
    do_claim(staff[0], first)
    with pytest.raises(ClaimLimitReached, match="同时最多认领 1 项"):
        do_claim(staff[1], second)
    assert fresh(second).kind == StateKind.OPEN
    do_transition(staff[0], fresh(first), "release", note="人手不够")
    assert do_claim(staff[1], fresh(second)).claimant_id == firms["a"][0].pk


def test_the_claim_board_answers_409_when_the_limit_is_reached(wish_type, firms, office, regions):
    first, second = wish(office, regions, "一"), wish(office, regions, "二")
    do_claim(firms["a"][1][0], first)
    response = client_for(firms["a"][1][1]).post(
        f"/api/v1/cases/{second.pk}/claim", content_type="application/json"
    )
    assert response.status_code == 409
    assert "认领数已达上限" in response.json()["detail"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_one_enterprise_claiming_many_items_at_once_gets_only_its_limit(regions, firms):
    publisher = make_user(Role.STAFF, "publisher", regions=[regions["wucheng"]])
    install_case_type(
        CaseTypeSpec(
            code="test_wish",
            name="微心愿",
            module="tests",
            workflow="claim_task",
            claimant_roles=("enterprise",),
            claimant_of=lambda user: user.enterprise,
            max_open_claims=1,
        )
    )
    items = [
        do_open_case(publisher, case_type="test_wish", title=f"心愿{i}", region=regions["zhuma"])
        for i in range(8)
    ]
    staff = firms["a"][1]
    barrier = threading.Barrier(len(items))
    outcomes = []

    def claim(index, item):
        try:
            copy = fresh(item)
            barrier.wait()
            do_claim(staff[index % 2], copy)
            outcomes.append("won")
        except ClaimLimitReached:
            outcomes.append("limit")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=p) for p in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1 and outcomes.count("limit") == 7
    assert Case.objects.filter(kind=StateKind.IN_PROGRESS).count() == 1


def test_a_parent_shows_its_childrens_progress_and_closes_only_when_they_are_done(office, regions):
    install_case_type(
        CaseTypeSpec(
            code="test_project",
            name="项目",
            module="tests",
            workflow="claim_task",
            claimant_roles=("staff",),
            children_block_close=True,
        )
    )
    project = do_open_case(
        office["dispatcher"], case_type="test_project", title="新厂房", region=regions["zhuma"]
    )
    matter = do_open_case(
        office["dispatcher"],
        case_type="general",
        title="施工许可",
        region=regions["zhuma"],
        parent=project,
    )
    do_claim(office["head"], project)
    do_transition(office["head"], fresh(project), "fulfil", note="已投产")
    with pytest.raises(TransitionRefused, match="尚有 1 项子事项未办结"):
        do_transition(office["dispatcher"], fresh(project), "confirm")
    page = client_for(office["dispatcher"]).get(f"/cases/{project.pk}/").content.decode()
    assert "已办结 0 / 1" in page and matter.number in page
    api = client_for(office["dispatcher"]).get(f"/api/v1/cases/{project.pk}").json()
    assert api["children"] == {"total": 1, "closed": 0}

    do_transition(office["dispatcher"], fresh(matter), "refuse", note="已并入其他事项")
    assert do_transition(office["dispatcher"], fresh(project), "confirm").kind == StateKind.CLOSED


def test_a_type_may_name_who_dispatches_it(office, regions):
    install_case_type(
        CaseTypeSpec(
            code="test_sensitive",
            name="敏感线索",
            module="tests",
            workflow="work_order",
            dispatch_permission="core.view_personal_data",
        )
    )
    clue = do_open_case(
        office["requester"], case_type="test_sensitive", title="线索", region=regions["zhuma"]
    )
    # An ordinary dispatcher of the county may not take it; an admin (who may unmask) may.
    assert available_transitions(office["dispatcher"], clue) == []
    admin = make_user(Role.ADMIN, "admin-x")
    assert "accept" in {t.code for t in available_transitions(admin, clue)}


def test_a_step_takes_its_attachments_through_the_api_as_multipart(office, regions):
    case = do_open_case(
        office["requester"], case_type="general", title="证照", region=regions["zhuma"]
    )
    upload = SimpleUploadedFile("受理回执.pdf", b"%PDF-1.4", "application/pdf")
    response = client_for(office["dispatcher"]).post(
        f"/api/v1/cases/{case.pk}/steps/refuse/upload",
        {"note": "材料不全", "values": "{}", "files": [upload]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["events"][-1]["attachments"] == ["受理回执.pdf"]
    bad = client_for(office["dispatcher"]).post(
        f"/api/v1/cases/{case.pk}/steps/accept/upload", {"values": "[1]"}
    )
    assert bad.status_code == 422


def test_the_回访_answer_goes_in_values_through_the_api_and_is_required(office, regions):
    case = do_open_case(
        office["requester"],
        case_type="general",
        title="路灯",
        region=regions["zhuma"],
        requester=office["requester"],
    )
    do_transition(office["dispatcher"], case, "accept")
    do_transition(office["dispatcher"], fresh(case), "dispatch", department=office["economy"])
    do_transition(office["economy_handler"], fresh(case), "sign_and_start")
    do_transition(office["economy_handler"], fresh(case), "reply", note="已修")
    client = client_for(office["requester"])
    url = f"/api/v1/cases/{case.pk}/steps/satisfied"
    missing = client.post(url, {}, content_type="application/json")
    assert missing.status_code == 422 and "问题是否已解决" in missing.json()["detail"]
    done = client.post(url, {"solved": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["kind"] == "closed"


def test_each_move_notifies_only_who_acts_next_and_settles_earlier_notices(office, regions):
    case = do_open_case(
        office["requester"],
        case_type="general",
        title="噪音",
        region=regions["zhuma"],
        requester=office["requester"],
    )
    do_transition(office["dispatcher"], case, "accept")
    do_transition(
        office["dispatcher"],
        fresh(case),
        "dispatch",
        department=office["economy"],
        assignee=office["economy_handler"],
    )
    notices = Notification.objects.filter(link=f"/cases/{case.pk}/")
    assert list(
        notices.filter(read_at__isnull=True).values_list("recipient__username", "kind")
    ) == [("economy-handler", "case.assigned")]
    do_transition(office["economy_handler"], fresh(case), "sign_and_start")
    assert not notices.filter(read_at__isnull=True).exists()  # the task was done
    do_transition(office["economy_handler"], fresh(case), "reply", note="已处理")
    # 请回访评价 goes to the requester only, not to every dispatcher of the county.
    assert list(
        notices.filter(read_at__isnull=True).values_list("recipient__username", flat=True)
    ) == ["requester"]


def test_a_case_a_module_routes_by_rule_asks_no_dispatcher_to_take_it_in(office, regions):
    routed = do_open_case(
        office["requester"],
        case_type="general",
        title="自动分派",
        region=regions["zhuma"],
        routed=True,
    )
    announced = do_open_case(
        office["requester"], case_type="general", title="待受理", region=regions["zhuma"]
    )
    assert not Notification.objects.filter(link=f"/cases/{routed.pk}/").exists()
    assert Notification.objects.filter(
        link=f"/cases/{announced.pk}/", recipient=office["dispatcher"], kind="case.new"
    ).exists()
