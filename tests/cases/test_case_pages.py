"""Case pages: queues, the timeline, steps taken from the page, the claim board."""

from qinqing.cases.models import Case
from qinqing.cases.services import do_open_case, do_transition
from tests.conftest import client_for


def open_and_dispatch(office, regions):
    case = do_open_case(
        office["requester"],
        case_type="general",
        title="园区路面破损",
        region=regions["zhuma"],
        requester=office["requester"],
    )
    case = do_transition(office["dispatcher"], case, "accept")
    return do_transition(office["dispatcher"], case, "dispatch", department=office["economy"])


def test_the_department_queue_lists_its_cases_and_flags_none_overdue(office, regions):
    case = open_and_dispatch(office, regions)
    page = client_for(office["economy_handler"]).get("/cases/department/").content.decode()
    assert case.number in page and "超期" not in page.split("<tbody>")[1]

    other = client_for(office["land_handler"]).get("/cases/department/").content.decode()
    assert case.number not in other


def test_a_handler_signs_from_the_case_page_and_the_timeline_grows(office, regions):
    case = open_and_dispatch(office, regions)
    client = client_for(office["economy_handler"])
    assert "确认签收" in client.get(f"/cases/{case.pk}/").content.decode()

    response = client.post(f"/cases/{case.pk}/do/sign/", {"note": ""})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已签收" in page and "签收" in page.split("办理记录")[1]


def test_a_step_without_its_reason_shows_the_message_and_changes_nothing(office, regions):
    case = open_and_dispatch(office, regions)
    response = client_for(office["economy_handler"]).post(f"/cases/{case.pk}/do/return/", {})
    assert response.status_code == 422
    assert "“退单”需要填写理由" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state.code == "dispatched"


def test_a_step_this_user_may_not_take_is_forbidden(office, regions):
    case = open_and_dispatch(office, regions)
    response = client_for(office["requester"]).post(f"/cases/{case.pk}/do/sign/", {})
    assert response.status_code == 403


def test_a_case_outside_the_users_scope_is_not_found(office, regions):
    case = open_and_dispatch(office, regions)
    assert client_for(office["outsider"]).get(f"/cases/{case.pk}/").status_code == 404


def test_the_claim_board_offers_open_items_and_takes_a_claim(office, regions, claim_type):
    task = do_open_case(
        office["dispatcher"], case_type=claim_type, title="招商攻坚任务", region=regions["zhuma"]
    )
    client = client_for(office["head"])
    assert "招商攻坚任务" in client.get("/cases/board/").content.decode()
    client.post(f"/cases/{task.pk}/do/claim/")
    assert Case.objects.get(pk=task.pk).claimed_by == office["head"]
    assert "招商攻坚任务" not in client.get("/cases/board/").content.decode()


def test_the_kpi_page_shows_each_department(office, regions):
    open_and_dispatch(office, regions)
    page = client_for(office["dispatcher"]).get("/cases/kpis/").content.decode()
    assert "区经商局" in page and "响应率" in page
    assert client_for(office["economy_handler"]).get("/cases/kpis/").status_code == 403


def test_registering_a_case_from_the_page(office, regions):
    client = client_for(office["dispatcher"])
    response = client.post(
        "/cases/new/",
        {
            "case_type": "general",
            "title": "企业用工需求",
            "priority": "normal",
            "region": "330702202",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(title="企业用工需求").created_by == office["dispatcher"]


def test_an_attachment_goes_with_the_step_and_only_to_those_who_see_the_case(
    office, regions, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    case = open_and_dispatch(office, regions)
    client = client_for(office["economy_handler"])
    upload = SimpleUploadedFile("现场照片.txt", "路面破损约20米".encode())
    client.post(f"/cases/{case.pk}/do/sign/", {"note": "已到现场", "attachments": upload})

    attachment = Case.objects.get(pk=case.pk).events.get(transition="sign").attachments.get()
    download = client.get(f"/cases/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode() == "路面破损约20米"
    outsider = client_for(office["outsider"]).get(f"/cases/attachments/{attachment.pk}/")
    assert outsider.status_code == 404


def test_a_queue_exports_what_it_lists(office, regions):
    from io import BytesIO

    from openpyxl import load_workbook

    case = open_and_dispatch(office, regions)
    export = client_for(office["economy_handler"]).get("/cases/department/?export=xlsx")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "标题", "类型", "状态")
    assert [row[0] for row in rows[1:]] == [case.number]
