"""Working days across the new year: the holiday table, the package, and the law as fallback.

chinese-calendar 1.11 has no 2027 data, so 2027 is counted from the statutory
holidays of 《全国年节及纪念日放假办法》 until its notice is entered. The 2027
notice used here is made up for the tests (the real one is not out yet): 元旦
1–3 Jan; 春节 5–13 Feb, with Sun 31 Jan and Sat 20 Feb worked.
"""

import datetime
import io
import json

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from lunardate import LunarDate
from openpyxl import Workbook

from qinqing.cases import calendar, holidays
from qinqing.cases.models import Case, HolidayDay, HolidayYear
from qinqing.cases.services import do_open_case, do_transition
from qinqing.cases.workflows import CaseTypeSpec, install_case_type
from qinqing.core.models import AuditEntry, Role
from qinqing.core.services import Forbidden, InvalidInput
from tests.cases.conftest import at
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

NOTICE_2027 = {
    "year": 2027,
    "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
    "notice_number": "国办发明电〔2026〕99号",
    "notice_date": "2026-11-12",
    "days": [
        {"date": "2027-01-01", "type": "放假", "name": "元旦"},
        {"date": "2027-01-02", "type": "放假", "name": "元旦"},
        {"date": "2027-01-03", "type": "放假", "name": "元旦"},
        {"date": "2027-01-31", "type": "上班", "name": "春节"},
        *({"date": f"2027-02-{day:02d}", "type": "放假", "name": "春节"} for day in range(5, 14)),
        {"date": "2027-02-20", "type": "上班", "name": "春节"},
    ],
}


@pytest.fixture
def short_type(db):
    """Respond within 16 working hours, resolve within 5 working days."""
    return install_case_type(
        CaseTypeSpec(
            code="short_matter",
            name="短时限事项",
            module="tests",
            workflow="work_order",
            time_limits={"normal": (16, 5)},
        )
    )


@pytest.fixture
def long_type(db):
    """30 working days: a case opened at the end of December runs past 春节 2027."""
    return install_case_type(
        CaseTypeSpec(
            code="long_matter",
            name="长时限事项",
            module="tests",
            workflow="work_order",
            time_limits={"normal": (16, 30)},
        )
    )


@pytest.fixture
def sysadmin(db):
    return make_user(Role.ADMIN, "sysadmin", is_staff=True, is_superuser=True)


def open_case(office, regions, case_type, when, title="年底报修"):
    return do_open_case(
        office["dispatcher"],
        case_type=case_type,
        title=title,
        region=regions["zhuma"],
        requester=office["requester"],
        now=at(when),
    )


def json_file(tmp_path, notice) -> str:
    path = tmp_path / "holidays-2027.json"
    path.write_text(json.dumps(notice, ensure_ascii=False), encoding="utf-8")
    return str(path)


def xlsx_bytes(notice) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["年份", notice["year"]])
    sheet.append(["通知标题", notice["notice_title"]])
    sheet.append(["文号", notice["notice_number"]])
    sheet.append(["发布日期", notice["notice_date"]])
    sheet.append([])
    sheet.append(["日期", "类型", "节日"])
    for day in notice["days"]:
        sheet.append([day["date"], day["type"], day["name"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def entries(notice) -> list:
    return [holidays.DayEntry(d["date"], d["type"], d["name"]) for d in notice["days"]]


def recomputed_entries(case):
    return AuditEntry.objects.filter(
        object_pk=str(case.pk), additional_data__event="deadline_recomputed"
    )


# --- the computed fallback ---------------------------------------------------


def test_a_case_opened_on_30_december_2026_is_not_due_on_new_years_day(office, regions, short_type):
    case = open_case(office, regions, short_type, "2026-12-30 14:00")

    # 16 working hours: 3.5 on 30 Dec, 7.5 on 31 Dec, then 元旦 and the weekend pass.
    assert case.respond_due_at == at("2027-01-04 15:00")
    # 5 working days: 31 Dec, then 4–7 Jan.
    assert case.due_at == at("2027-01-07 17:30")


def test_the_2027_spring_festival_from_除夕_to_初三_is_not_worked_in_the_fallback():
    assert calendar.year_source(2027) == "computed"
    new_year = LunarDate(2027, 1, 1).to_solar_date()
    assert new_year == datetime.date(2027, 2, 6)
    除夕 = LunarDate.from_solar_date(2027, 2, 5)
    assert (除夕.month, 除夕.day) == (12, 29)  # 腊月 has 29 days this year

    for day in range(5, 9):  # 除夕 Fri 5 Feb … 初三 Mon 8 Feb
        assert not calendar.is_working_day(datetime.date(2027, 2, day))
    # 初四 is a Tuesday: without the notice, no more rest can be known.
    assert calendar.is_working_day(datetime.date(2027, 2, 9))


def test_every_day_the_law_gives_off_is_a_holiday_in_the_package_for_each_year_it_covers():
    years = [y for y in calendar.package_years() if y >= 2014]  # the 2013 text onwards
    assert {2024, 2025, 2026} <= set(years)
    for year in years:
        statutory = calendar.statutory_holidays(year)
        worked = [d for d in statutory if chinese_calendar.is_workday(d)]
        assert worked == [], f"{year}: {worked}"
    # The 2024 revision added 除夕 and 2 May, from 2025 on.
    assert datetime.date(2026, 2, 16) in calendar.statutory_holidays(2026)  # 除夕
    assert datetime.date(2026, 5, 2) in calendar.statutory_holidays(2026)
    assert datetime.date(2024, 2, 9) not in calendar.statutory_holidays(2024)  # 除夕, worked


def test_a_window_that_touches_a_year_without_official_data_is_provisional():
    assert calendar.year_source(2026) == "package"
    assert calendar.provisional_years(today=datetime.date(2026, 11, 30)) == {2027}
    assert not calendar.is_provisional(at("2026-03-02 09:00"), at("2026-03-16 17:30"))
    assert calendar.is_provisional(at("2026-12-30 14:00"), at("2027-01-07 17:30"))
    assert calendar.provisional_notice({2027}) == (
        "2027年节假日安排尚未录入，期限按法定节假日推算，仅供参考；录入国务院通知后自动重算。"
    )


def test_the_case_page_warns_that_a_deadline_reaching_into_2027_is_provisional(
    office, regions, short_type
):
    late = open_case(office, regions, short_type, "2026-12-30 14:00")
    early = open_case(office, regions, short_type, "2026-12-01 09:00", title="年内报修")
    client = client_for(office["dispatcher"])

    assert "2027年节假日安排尚未录入" in client.get(f"/cases/{late.pk}/").content.decode()
    assert "节假日安排尚未录入" not in client.get(f"/cases/{early.pk}/").content.decode()


# --- entering the notice -----------------------------------------------------


def close(case, office):
    for actor, code, extra in [
        (office["dispatcher"], "accept", {}),
        (office["dispatcher"], "dispatch", {"department": office["economy"]}),
        (office["economy_handler"], "sign", {}),
        (office["economy_handler"], "start", {}),
        (office["economy_handler"], "reply", {"note": "已修复"}),
        (office["dispatcher"], "satisfied", {"solved": True}),
    ]:
        case = do_transition(actor, case, code, now=at("2026-12-31 09:00"), **extra)
    return case


def test_loading_the_2027_notice_from_json_recomputes_the_open_case_and_audits_it(
    office, regions, long_type, tmp_path
):
    running = open_case(office, regions, long_type, "2026-12-30 10:00")
    finished = close(open_case(office, regions, long_type, "2026-12-30 10:00"), office)
    # From the law alone: 春节 is 5–8 Feb, so the 30th working day is Mon 15 Feb.
    assert running.due_at == at("2027-02-15 17:30")
    client = client_for(office["dispatcher"])
    assert "2027年节假日安排尚未录入" in client.get(f"/cases/{running.pk}/").content.decode()

    out = io.StringIO()
    call_command("load_holidays", json_file(tmp_path, NOTICE_2027), stdout=out)

    assert "已录入2027年节假日安排（14 天），重算 1 件" in out.getvalue()
    assert calendar.year_source(2027) == "admin"
    running = Case.objects.get(pk=running.pk)
    # Sun 31 Jan is worked and 春节 runs to 13 Feb: 22 days by 31 Jan, 26 by 4 Feb, then 15–18.
    assert running.due_at == at("2027-02-18 17:30")
    entry = recomputed_entries(running).get()
    assert entry.changes["due_at"] == ["2027-02-15T17:30:00+08:00", "2027-02-18T17:30:00+08:00"]
    assert "节假日安排尚未录入" not in client.get(f"/cases/{running.pk}/").content.decode()

    finished_now = Case.objects.get(pk=finished.pk)
    assert finished_now.due_at == finished.due_at == at("2027-02-15 17:30")
    assert not recomputed_entries(finished).exists()


def test_uploading_the_2027_notice_as_xlsx_in_the_admin_recomputes_the_open_case(
    office, regions, long_type, sysadmin
):
    running = open_case(office, regions, long_type, "2026-12-30 10:00")
    admin = client_for(sysadmin)
    assert "2027年节假日安排尚未录入" in admin.get("/admin/").content.decode()

    upload = io.BytesIO(xlsx_bytes(NOTICE_2027))
    upload.name = "2027年节假日安排.xlsx"
    response = admin.post("/admin/cases/holidayyear/import/", {"file": upload}, follow=True)

    assert "已录入2027年节假日安排（14 天），重算 1 件在办事项的期限" in response.content.decode()
    year = HolidayYear.objects.get(year=2027)
    assert (year.notice_number, year.notice_date) == (
        "国办发明电〔2026〕99号",
        datetime.date(2026, 11, 12),
    )
    assert year.source == HolidayYear.Source.FILE and year.updated_by == sysadmin
    assert Case.objects.get(pk=running.pk).due_at == at("2027-02-18 17:30")
    assert recomputed_entries(running).get().actor == sysadmin
    assert "2027年节假日安排尚未录入" not in admin.get("/admin/").content.decode()


def test_a_due_date_granted_by_an_extension_is_not_recomputed(office, regions, long_type):
    case = open_case(office, regions, long_type, "2026-12-30 10:00")
    for actor, code, extra in [
        (office["dispatcher"], "accept", {}),
        (office["dispatcher"], "dispatch", {"department": office["economy"]}),
        (office["economy_handler"], "sign", {}),
        (office["economy_handler"], "start", {}),
        (
            office["economy_handler"],
            "request_extension",
            {"note": "等材料", "due_at": at("2027-03-01 17:30")},
        ),
        (office["head"], "approve_extension", {}),
    ]:
        case = do_transition(actor, case, code, now=at("2026-12-31 09:00"), **extra)

    holidays.do_enter_holiday_notice(None, 2027, entries(NOTICE_2027))

    assert Case.objects.get(pk=case.pk).due_at == at("2027-03-01 17:30")


def test_a_notice_with_a_date_outside_its_year_or_an_unreadable_date_is_refused_whole(
    office, regions, long_type, tmp_path
):
    running = open_case(office, regions, long_type, "2026-12-30 10:00")
    notice = {
        **NOTICE_2027,
        "days": [
            {"date": "2027-01-01", "type": "放假", "name": "元旦"},
            {"date": "2026-12-31", "type": "放假", "name": "元旦"},
            {"date": "2027-02-30", "type": "放假", "name": "春节"},
            {"date": "2027-02-01", "type": "上班", "name": "春节"},
            {"date": "2027-01-01", "type": "调休", "name": "元旦"},
        ],
    }

    with pytest.raises(CommandError) as refused:
        call_command("load_holidays", json_file(tmp_path, notice))

    message = str(refused.value)
    assert "未录入任何内容" in message
    assert "第2条：日期 2026-12-31 不在 2027 年内" in message
    assert "第3条：日期“2027-02-30”无法识别，应写成 2027-01-01" in message
    assert "第4条：调休上班日应为周六或周日，2027-02-01 是星期一" in message
    assert "第5条：类型“调休”应为“放假”或“上班”；日期 2027-01-01 重复（第1条已有）" in message
    assert not HolidayYear.objects.exists() and not HolidayDay.objects.exists()
    assert Case.objects.get(pk=running.pk).due_at == at("2027-02-15 17:30")


def test_an_unreadable_xlsx_row_is_named_by_its_line_in_the_admin_and_nothing_is_saved(
    sysadmin,
):
    notice = {**NOTICE_2027, "days": [{"date": "明年元旦", "type": "放假", "name": "元旦"}]}
    upload = io.BytesIO(xlsx_bytes(notice))
    upload.name = "holidays.xlsx"

    response = client_for(sysadmin).post("/admin/cases/holidayyear/import/", {"file": upload})

    assert response.status_code == 422
    assert "日期：第7行：日期“明年元旦”无法识别" in response.content.decode()
    assert not HolidayYear.objects.exists()


def test_the_admin_table_overrides_the_package_for_a_year_it_covers():
    # Suppose the county must follow a corrected 2026 arrangement: the table wins outright.
    holidays.do_enter_holiday_notice(
        None, 2026, [holidays.DayEntry("2026-03-02", "放假", "测试更正")]
    )

    assert calendar.year_source(2026) == "admin"
    assert not calendar.is_working_day(datetime.date(2026, 3, 2))  # a Monday, off by the table
    assert calendar.is_working_day(datetime.date(2026, 2, 17))  # 初一 in the package, not here
    assert calendar.is_working_day(datetime.date(2026, 3, 3))


def test_a_draft_arrangement_does_not_count_until_it_is_in_force(sysadmin):
    holidays.do_enter_holiday_notice(None, 2027, entries(NOTICE_2027))
    HolidayYear.objects.filter(year=2027).update(status=HolidayYear.Status.DRAFT)

    assert calendar.year_source(2027) == "computed"
    assert calendar.is_working_day(datetime.date(2027, 2, 9))


def test_editing_a_year_in_the_admin_validates_its_days_and_recomputes_deadlines(
    office, regions, long_type, sysadmin
):
    running = open_case(office, regions, long_type, "2026-12-30 10:00")
    admin = client_for(sysadmin)

    def post(days):
        data = {
            "year": "2027",
            "status": "official",
            "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
            "notice_number": "",
            "notice_date": "",
            "days-TOTAL_FORMS": str(len(days)),
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
        }
        for i, (date, working, name) in enumerate(days):
            data[f"days-{i}-date"] = date
            data[f"days-{i}-name"] = name
            if working:
                data[f"days-{i}-is_working_day"] = "on"
        return admin.post("/admin/cases/holidayyear/add/", data, follow=True)

    refused = post([("2026-12-31", False, "元旦"), ("2027-02-08", False, "春节")])
    assert "日期 2026-12-31 不在 2027 年内" in refused.content.decode()
    duplicated = post([("2027-02-08", False, "春节"), ("2027-02-08", False, "春节")])
    assert "日期 2027-02-08 填写了两次，请删除其中一行" in duplicated.content.decode()
    assert not HolidayYear.objects.exists()

    # 元旦, and 春节 to 初四 (9 Feb): one working day later than the law alone.
    saved = post(
        [("2027-01-01", False, "元旦")]
        + [(f"2027-02-{d:02d}", False, "春节") for d in range(5, 10)]
    )

    assert "重算 1 件在办事项的期限" in saved.content.decode()
    assert Case.objects.get(pk=running.pk).due_at == at("2027-02-16 17:30")
    assert recomputed_entries(running).get().actor == sysadmin


def test_a_deadline_costs_one_query_per_entered_year_and_then_one_check(
    django_assert_num_queries,
):
    holidays.do_enter_holiday_notice(None, 2027, entries(NOTICE_2027))
    calendar.clear_cache()

    with django_assert_num_queries(2):  # the table's fingerprint, then 2027's days
        first = calendar.add_working_days(at("2026-12-01 09:00"), 250)
    with django_assert_num_queries(1):  # only the fingerprint: nothing changed
        assert calendar.add_working_days(at("2026-12-01 09:00"), 250) == first


def test_a_notice_entered_by_someone_without_the_permission_is_refused(office):
    with pytest.raises(Forbidden):
        holidays.do_enter_holiday_notice(office["dispatcher"], 2027, entries(NOTICE_2027))
    assert not HolidayYear.objects.exists()


def test_an_empty_notice_is_refused_with_a_chinese_message():
    with pytest.raises(InvalidInput) as refused:
        holidays.do_enter_holiday_notice(None, "二〇二七", [], notice_number="国办" * 31)
    assert refused.value.errors == {
        "notice_number": ["最多 60 个字，现有 62 个字"],
        "year": ["“二〇二七”不是有效年份，应为四位数字，如 2027"],
        "days": ["没有任何日期：请按通知逐日填写放假日期和调休上班日期"],
    }


def test_deleting_a_years_arrangement_in_the_admin_puts_its_deadlines_back_on_the_law(
    office, regions, long_type, sysadmin
):
    running = open_case(office, regions, long_type, "2026-12-30 10:00")
    year, _ = holidays.do_enter_holiday_notice(None, 2027, entries(NOTICE_2027))
    assert Case.objects.get(pk=running.pk).due_at == at("2027-02-18 17:30")

    client_for(sysadmin).post(f"/admin/cases/holidayyear/{year.pk}/delete/", {"post": "yes"})

    assert not HolidayYear.objects.exists()
    assert Case.objects.get(pk=running.pk).due_at == at("2027-02-15 17:30")
    assert recomputed_entries(running).count() == 2


def test_the_downloadable_template_is_read_back_as_a_notice(sysadmin):
    response = client_for(sysadmin).get("/admin/cases/holidayyear/template.xlsx")
    year = timezone.localdate().year + 1

    notice = holidays.read_notice_file("template.xlsx", response.content)

    assert notice.year == year
    assert [(d.date, d.kind, d.name) for d in notice.days] == [(f"{year}-01-01", "放假", "元旦")]
