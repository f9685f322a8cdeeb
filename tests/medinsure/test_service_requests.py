"""参保企业“省心办”: an enterprise asks the 医保局 from its phone, the request runs the
12345 flow, and 省心办满意率 is the case engine's 满意率 over those requests."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from qinqing.cases.models import Case, Satisfaction
from qinqing.cases.services import do_open_case, do_transition
from qinqing.core.indicators import FIGURES, Scope, read
from qinqing.core.models import Department, Enterprise, Role
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.synthetic import make_credit_code
from qinqing.medinsure.services import do_request_service
from tests.conftest import client_for, make_user
from tests.figure_checks import Covered

covered = Covered("medinsure")

SATISFACTION = "medinsure.service_satisfaction"


@pytest.fixture
def bureau(users, regions):
    """婺城区医保局 and its officer, who signs and answers the requests."""
    bureau = Department.objects.create(name="婺城区医保局", region=regions["wucheng"])
    officer = make_user(
        Role.HANDLER, "yibao-officer", regions=[regions["wucheng"]], department=bureau
    )
    return {"department": bureau, "officer": officer}


@pytest.fixture
def county_enterprise(regions):
    """An insured enterprise of 婺城区 outside 竹马乡, with its own account."""
    company = Enterprise.objects.create(
        name="婺城精密机械有限公司",
        credit_code=make_credit_code("330702", 4401),
        industry_code="3411",
        region=regions["wucheng"],
    )
    return make_user(Role.ENTERPRISE, "wucheng-ent", enterprise=company)


def answer(officer, case):
    for step in ("sign", "start"):
        case = do_transition(officer, case, step)
    return do_transition(officer, case, "reply", note="已办理，电话告知经办人")


def survey(requester, case, satisfied: bool):
    if satisfied:
        return do_transition(requester, case, "satisfied", solved=True)
    return do_transition(requester, case, "unsatisfied", solved=False, note="尚未到账")


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


# --- filing a request ----------------------------------------------------------------


def test_an_enterprise_files_a_request_on_its_page_and_it_goes_to_the_insurance_bureau(
    users, bureau
):
    client = client_for(users["enterprise"])
    page = client.get("/medinsure/requests/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/medinsure/requests/" aria-current="page">医保省心办</a>' in html
    assert "还没有提交过事项" in html
    assert '<option value="" selected>请选择</option>' in html  # no topic assumed

    response = client.post(
        "/medinsure/requests/",
        {"topic": "remote", "title": "员工长期驻外异地就医备案", "description": "驻上海3人"},
    )

    case = Case.objects.get(case_type__code="medinsure_service")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.number.startswith("SX")
    assert case.title == "异地就医备案：员工长期驻外异地就医备案"
    assert case.requester == users["enterprise"]
    assert case.enterprise == users["enterprise"].enterprise
    assert case.region == users["enterprise"].enterprise.region
    assert case.department == bureau["department"]
    assert case.state_label == "已派单"
    follow = client.get(response["Location"]).content.decode()
    assert "已派婺城区医保局办理" in follow
    listed = client.get("/medinsure/requests/").content.decode()
    assert case.number in listed and 'class="status-badge kind-in_progress">已派单<' in listed


def test_the_request_runs_the_work_order_flow_and_the_enterprise_surveys_it_on_the_case_page(
    users, bureau
):
    enterprise = users["enterprise"]
    case = do_request_service(enterprise, "新入职员工3人参保登记", topic="enrolment")
    case = answer(bureau["officer"], case)
    mine = client_for(enterprise).get("/medinsure/requests/").content.decode()
    assert f'href="/cases/{case.pk}/#step-satisfied">回访：满意</a>' in mine

    response = client_for(enterprise).post(f"/cases/{case.pk}/do/satisfied/", {"solved": "true"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state_label == "已办结"
    assert case.satisfaction == Satisfaction.SATISFIED and case.solved is True
    assert case.responded_at is not None and case.replied_at is not None


def test_an_enterprise_files_a_request_through_the_api(users, bureau):
    response = post_json(
        client_for(users["enterprise"]),
        "/api/v1/medinsure/requests",
        {"topic": "reimbursement", "title": "员工住院费用报销进度查询"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("SX")
    assert body["title"] == "报销进度查询：员工住院费用报销进度查询"
    assert body["state_label"] == "已派单"
    assert body["department"] == "婺城区医保局"
    assert Case.objects.get(pk=body["case_id"]).requester == users["enterprise"]


def test_without_an_insurance_bureau_the_request_waits_for_a_dispatcher(users):
    case = do_request_service(users["enterprise"], "生育津贴到账时间", topic="maternity")

    assert case.state_label == "已登记"
    assert case.department is None
    page = client_for(users["enterprise"]).get("/medinsure/requests/").content.decode()
    assert "待受理" in page


def test_a_bad_form_input_is_named_in_chinese_on_the_page_and_in_the_api(users, bureau):
    client = client_for(users["enterprise"])

    page = client.post("/medinsure/requests/", {"topic": "lottery", "title": ""})

    assert page.status_code == 422
    html = page.content.decode()
    assert "办理事项" in html and "请从列表中选择办理事项" in html
    assert "简要说明" in html and "必填" in html
    api = post_json(client, "/api/v1/medinsure/requests", {"topic": "lottery", "title": "x"})
    assert api.status_code == 422
    assert api.json()["detail"] == "请从列表中选择办理事项"
    assert api.json()["errors"] == {"topic": ["请从列表中选择办理事项"]}
    missing = post_json(client, "/api/v1/medinsure/requests", {"topic": "remote", "title": " "})
    assert missing.json()["detail"] == "简要说明：必填"
    assert not Case.objects.exists()


def test_only_an_enterprise_account_files_a_request(users, bureau):
    with pytest.raises(Forbidden):
        do_request_service(users["staff"], "代企业提交", topic="other")
    assert client_for(users["staff"]).get("/medinsure/requests/").status_code == 403
    answer_ = post_json(
        client_for(users["resident"]),
        "/api/v1/medinsure/requests",
        {"topic": "other", "title": "个人医保咨询"},
    )
    assert answer_.status_code == 403
    staff_page = client_for(users["staff"]).get("/").content.decode()
    assert "医保省心办" not in staff_page
    with pytest.raises(InvalidInput, match="简要说明"):
        do_request_service(users["enterprise"], "   ", topic="other")


def test_an_enterprise_sees_only_its_own_requests(users, bureau, county_enterprise):
    mine = do_request_service(users["enterprise"], "单位缴费基数核定", topic="contribution")
    theirs = do_request_service(county_enterprise, "医保电子凭证激活", topic="voucher")

    page = client_for(users["enterprise"]).get("/medinsure/requests/").content.decode()

    assert mine.number in page and theirs.number not in page


# --- 省心办满意率 ------------------------------------------------------------------------


@pytest.fixture
def surveyed(users, regions, bureau, county_enterprise):
    """竹马's enterprise: 2 satisfied, 1 unsatisfied (3 surveys) and 1 answered, not yet
    surveyed. The county enterprise: 1 unsatisfied, answered again, then satisfied
    (2 surveys). Beside them, satisfied cases of other types that must not count."""
    officer, zhuma = bureau["officer"], users["enterprise"]
    cases = {}
    for name, ok in (("happy1", True), ("happy2", True), ("unhappy", False)):
        case = answer(officer, do_request_service(zhuma, f"报销进度{name}", topic="reimbursement"))
        cases[name] = survey(zhuma, case, ok)
    cases["waiting"] = answer(officer, do_request_service(zhuma, "异地备案", topic="remote"))
    case = do_request_service(county_enterprise, "补缴医保费", topic="contribution")
    case = answer(officer, case)
    case = survey(county_enterprise, case, False)
    case = do_transition(officer, case, "reply", note="已重新核定并补缴")
    cases["county"] = survey(county_enterprise, case, True)
    # 清廉医保's 整改 task and a general 12345 case, both surveyed unsatisfied
    for code in ("medinsure_task", "general"):
        other = do_open_case(
            users["staff"],
            case_type=code,
            title=f"其他事项{code}",
            region=regions["zhuma"],
            requester=zhuma,
        )
        other = do_transition(users["staff"], other, "accept")
        other = do_transition(users["staff"], other, "dispatch", department=bureau["department"])
        cases[code] = survey(zhuma, answer(officer, other), False)
    return cases


@covered("medinsure.service_satisfaction")
def test_satisfaction_is_the_engines_rate_over_the_surveyed_requests_of_the_county(users, surveyed):
    figure = FIGURES[SATISFACTION]

    reading = read(figure, Scope(users["leader"]))

    # satisfied: happy1, happy2, county; surveys: 3 (竹马) + 2 (county, surveyed twice)
    assert (reading.numerator, reading.denominator) == (3, 5)
    assert reading.value == Decimal("60.0")
    assert reading.below_target  # target 99
    rows = {case.number for case in figure.rows(Scope(users["leader"]))}
    assert rows == {surveyed[k].number for k in ("happy1", "happy2", "unhappy", "county")}
    assert figure.headline and figure.target == 99


def test_a_town_cadre_sees_only_the_towns_requests_in_the_satisfaction(users, regions, surveyed):
    cadre = make_user(Role.STAFF, "zhuma-cadre", regions=[regions["zhuma"]])

    reading = read(FIGURES[SATISFACTION], Scope(cadre))

    assert (reading.numerator, reading.denominator) == (2, 3)
    assert reading.value == Decimal("66.7")
    town = Scope(users["leader"], region=regions["zhuma"])
    assert read(FIGURES[SATISFACTION], town).value == Decimal("66.7")


def test_requests_registered_outside_the_period_are_not_counted(users, surveyed):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    later = read(FIGURES[SATISFACTION], Scope(users["leader"], start=tomorrow))

    assert (later.numerator, later.denominator, later.value) == (0, 0, None)


def test_an_enterprise_reads_the_satisfaction_of_its_own_requests_only(users, surveyed):
    reading = read(FIGURES[SATISFACTION], Scope(users["enterprise"]))

    assert (reading.numerator, reading.denominator) == (2, 3)


def test_the_cockpit_shows_the_satisfaction_with_its_parts_and_lists_the_surveyed_requests(
    users, surveyed
):
    client = client_for(users["leader"])

    page = client.get("/cockpit/medinsure/").content.decode()
    rows = client.get(f"/cockpit/figures/{SATISFACTION}/").content.decode()

    assert "省心办满意率" in page and "3 / 5" in page
    assert f'href="/cases/{surveyed["county"].pk}/"' in rows
    assert surveyed["waiting"].number not in rows
    assert surveyed["general"].number not in rows
