"""The directory, visit and audit pages: who sees what, masking, exports, forms."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qinqing.core import services
from qinqing.core.audit import entries_for
from qinqing.core.models import AuditEntry, Enterprise, Person, Role, Visit
from qinqing.core.synthetic import make_credit_code, make_id_number
from tests.conftest import client_for, make_user

ROLES = ["admin", "leader", "staff", "handler", "enterprise", "resident"]

# url name → the status each role gets (in the order of ROLES).
PAGE_STATUS = {
    "enterprise-list": (200, 200, 200, 200, 200, 403),
    "enterprise-create": (200, 403, 200, 403, 403, 403),
    "person-list": (200, 403, 200, 200, 403, 200),
    "person-create": (200, 403, 200, 403, 403, 403),
    "visit-list": (200, 200, 200, 200, 200, 200),
    "visit-create": (200, 403, 200, 200, 403, 403),
    "department-list": (200, 200, 200, 200, 403, 403),
    "audit-list": (200, 403, 403, 403, 403, 403),
}

NAV_LABELS = {
    "admin": {"首页", "企业", "人员", "走访", "部门", "导入", "审计"},
    "leader": {"首页", "企业", "走访", "部门"},
    "staff": {"首页", "企业", "人员", "走访", "部门", "导入"},
    "handler": {"首页", "企业", "人员", "走访", "部门"},
    "enterprise": {"首页", "企业", "走访"},
    "resident": {"首页", "人员", "走访"},
}
CORE_NAV = {"首页", "企业", "人员", "走访", "部门", "导入", "审计"}


def workbook_rows(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def grant_unmasking(user):
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    # Permissions are cached on the instance; a fresh one sees the grant.
    return type(user).objects.get(pk=user.pk)


def visit(actor, target, when="2026-03-02T09:30", notes="了解用工需求"):
    kind = "enterprise" if isinstance(target, Enterprise) else "person"
    return services.do_record_visit(actor, {kind: target.pk, "visited_at": when, "notes": notes})


# --- who gets which page -------------------------------------------------------------


@pytest.mark.parametrize("name", PAGE_STATUS)
def test_each_role_gets_a_page_or_a_403_as_its_permissions_say(users, name):
    statuses = {role: client_for(users[role]).get(reverse(name)).status_code for role in ROLES}
    assert statuses == dict(zip(ROLES, PAGE_STATUS[name], strict=True))


@pytest.mark.parametrize("name", PAGE_STATUS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_shows_only_the_entries_the_role_may_open(users, role):
    html = client_for(users[role]).get(reverse("home")).content.decode()
    nav = re.search(r'<nav class="nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    shown = set(re.findall(r">([^<>]+)</a>", nav)) & CORE_NAV
    assert shown == NAV_LABELS[role]


# --- which records appear ------------------------------------------------------------


def test_staff_of_wucheng_see_zhuma_enterprises_but_not_haiyan_ones(
    users, enterprise, other_enterprise
):
    client = client_for(users["staff"])
    html = client.get(reverse("enterprise-list")).content.decode()
    assert enterprise.name in html
    assert other_enterprise.name not in html
    assert client.get(reverse("enterprise-detail", args=[enterprise.pk])).status_code == 200
    assert client.get(reverse("enterprise-detail", args=[other_enterprise.pk])).status_code == 404
    assert client.get(reverse("enterprise-edit", args=[other_enterprise.pk])).status_code == 404


def test_an_enterprise_account_sees_only_its_own_enterprise(users, enterprise, other_enterprise):
    client = client_for(users["enterprise"])
    response = client.get(reverse("enterprise-list"))
    assert response.context["page"].paginator.count == 1
    assert enterprise.name in response.content.decode()
    assert other_enterprise.name not in response.content.decode()
    assert client.get(reverse("enterprise-detail", args=[enterprise.pk])).status_code == 200
    assert client.get(reverse("enterprise-detail", args=[other_enterprise.pk])).status_code == 404


def test_a_resident_sees_only_themselves(users, person, local_person):
    client = client_for(users["resident"])
    response = client.get(reverse("person-list"))
    assert [p.pk for p in response.context["page"]] == [person.pk]
    assert client.get(reverse("person-detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("person-detail", args=[local_person.pk])).status_code == 404


def test_a_leader_sees_enterprises_everywhere(users, enterprise, other_enterprise):
    html = client_for(users["leader"]).get(reverse("enterprise-list")).content.decode()
    assert enterprise.name in html and other_enterprise.name in html


def test_the_enterprise_list_filters_by_name_code_region_and_scale(
    users, regions, enterprise, other_enterprise
):
    client = client_for(users["admin"])

    def names(**query):
        response = client.get(reverse("enterprise-list"), query)
        return {e.name for e in response.context["page"]}

    assert names(q="竹马") == {enterprise.name}
    assert names(q=other_enterprise.credit_code.lower()) == {other_enterprise.name}
    assert names(region=regions["haiyan"].code) == {other_enterprise.name}
    assert names(region=regions["zhuma"].code) == {enterprise.name}
    assert names(scale="above") == {enterprise.name}
    assert names(scale="below") == {other_enterprise.name}


def test_staff_can_filter_only_by_regions_within_their_scope(users, regions):
    response = client_for(users["staff"]).get(reverse("enterprise-list"))
    codes = {r.code for r in response.context["regions"]}
    assert regions["zhuma"].code in codes
    assert regions["baibu"].code not in codes


def test_the_enterprise_export_holds_exactly_the_filtered_rows(
    users, regions, enterprise, other_enterprise
):
    client = client_for(users["admin"])
    rows = workbook_rows(
        client.get(
            reverse("enterprise-list"), {"region": regions["wucheng"].code, "export": "xlsx"}
        )
    )
    assert rows[0][:2] == ["企业名称", "统一社会信用代码"]
    assert [row[:2] for row in rows[1:]] == [[enterprise.name, enterprise.credit_code]]


def test_staff_export_never_holds_enterprises_outside_their_regions(
    users, enterprise, other_enterprise
):
    rows = workbook_rows(
        client_for(users["staff"]).get(reverse("enterprise-list"), {"export": "xlsx"})
    )
    assert [row[0] for row in rows[1:]] == [enterprise.name]


def test_the_enterprise_page_shows_its_file_visits_and_a_link_to_its_history(users, enterprise):
    visit(users["staff"], enterprise, notes="了解扩产用地需求")
    html = client_for(users["admin"]).get(reverse("enterprise-detail", args=[enterprise.pk]))
    html = html.content.decode()
    assert "制造业" in html  # the industry section of 3011
    assert "了解扩产用地需求" in html
    assert f"content_type=core.enterprise&amp;object_pk={enterprise.pk}" in html

    staff_html = client_for(users["staff"]).get(reverse("enterprise-detail", args=[enterprise.pk]))
    assert "content_type=core.enterprise" not in staff_html.content.decode()


# --- masking and unmasking -----------------------------------------------------------


def test_people_are_masked_in_the_list_the_page_and_the_export(users, person):
    client = client_for(users["admin"])
    full_id, full_phone = person.id_number, person.phone

    for url in (reverse("person-list"), reverse("person-detail", args=[person.pk])):
        html = client.get(url).content.decode()
        assert person.masked_id_number in html
        assert "138****5678" in html
        assert full_id not in html
        assert full_phone not in html

    rows = workbook_rows(client.get(reverse("person-list"), {"export": "xlsx"}))
    header, row = rows[0], rows[1]
    assert row[header.index("身份证号")] == person.masked_id_number
    assert row[header.index("手机号")] == "138****5678"
    assert full_id not in str(rows) and full_phone not in str(rows)


def test_a_holder_of_the_permission_unmasks_a_person_and_it_is_audited(users, local_person):
    staff = grant_unmasking(users["staff"])
    client = client_for(staff)
    detail = client.get(reverse("person-detail", args=[local_person.pk])).content.decode()
    assert "查看完整信息" in detail
    assert local_person.id_number not in detail

    response = client.post(
        reverse("person-unmask", args=[local_person.pk]),
        {"purpose": "核对低保申请"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert local_person.id_number in html
    assert "13900001111" in html
    assert "<html" not in html  # htmx swaps in the fragment only
    entry = entries_for(local_person).get(action=AuditEntry.Action.ACCESS)
    assert entry.actor == staff
    assert entry.additional_data["purpose"] == "核对低保申请"


def test_without_the_permission_there_is_no_button_and_unmasking_is_refused(users, local_person):
    client = client_for(users["staff"])
    detail = client.get(reverse("person-detail", args=[local_person.pk])).content.decode()
    assert "查看完整信息" not in detail

    response = client.post(reverse("person-unmask", args=[local_person.pk]))

    assert response.status_code == 403
    assert local_person.id_number not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


def test_unmasking_someone_one_cannot_see_is_not_found_even_with_the_permission(users, person):
    staff = grant_unmasking(users["staff"])
    response = client_for(staff).post(reverse("person-unmask", args=[person.pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


def test_a_resident_cannot_unmask_even_their_own_numbers(users, person):
    client = client_for(users["resident"])
    assert (
        "查看完整信息"
        not in client.get(reverse("person-detail", args=[person.pk])).content.decode()
    )
    assert client.post(reverse("person-unmask", args=[person.pk])).status_code == 403


def test_people_are_found_by_a_full_id_or_phone_number_that_stays_out_of_the_url(
    users, person, local_person
):
    client = client_for(users["admin"])

    by_id = client.post(reverse("person-list"), {"q": person.id_number.lower()})
    assert [p.pk for p in by_id.context["page"]] == [person.pk]
    assert person.id_number not in by_id.content.decode()

    by_phone = client.post(reverse("person-list"), {"q": "139-0000-1111"})
    assert [p.pk for p in by_phone.context["page"]] == [local_person.pk]

    by_name = client.post(reverse("person-list"), {"q": "蔡"})
    assert by_name.status_code == 302
    followed = client.get(by_name["Location"])
    assert [p.pk for p in followed.context["page"]] == [person.pk]


def test_a_mistyped_id_number_search_says_what_is_wrong(users, person):
    wrong = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
    response = client_for(users["admin"]).post(reverse("person-list"), {"q": wrong})
    assert "身份证号校验位错误" in response.content.decode()
    assert not response.context["page"].object_list


# --- forms ---------------------------------------------------------------------------


def enterprise_form(regions, **overrides):
    data = {
        "name": "竹马新材料有限公司",
        "credit_code": make_credit_code("330702", 777),
        "industry_code": "C3021",
        "region": regions["zhuma"].code,
        "employees": "40",
        "above_scale": "on",
    }
    return {**data, **overrides}


def test_a_wrong_credit_code_check_character_is_named_and_nothing_is_saved(users, regions):
    good = make_credit_code("330702", 777)
    wrong = good[:17] + ("1" if good[17] != "1" else "2")

    response = client_for(users["staff"]).post(
        reverse("enterprise-create"), enterprise_form(regions, credit_code=wrong)
    )

    assert response.status_code == 422
    assert f"统一社会信用代码校验位错误，应为 {good[17]}" in response.content.decode()
    assert not Enterprise.objects.filter(name="竹马新材料有限公司").exists()


def test_staff_can_only_file_enterprises_within_their_regions(users, regions):
    client = client_for(users["staff"])
    form_html = client.get(reverse("enterprise-create")).content.decode()
    assert f'value="{regions["zhuma"].code}"' in form_html
    assert f'value="{regions["baibu"].code}"' not in form_html

    response = client.post(
        reverse("enterprise-create"), enterprise_form(regions, region=regions["baibu"].code)
    )
    assert response.status_code == 422
    assert "不在您负责的区划内" in response.content.decode()
    assert not Enterprise.objects.filter(name="竹马新材料有限公司").exists()


def test_creating_and_editing_an_enterprise_is_shown_on_its_audit_page(users, regions):
    admin = users["admin"]
    client = client_for(admin)
    created = client.post(reverse("enterprise-create"), enterprise_form(regions))
    enterprise = Enterprise.objects.get(name="竹马新材料有限公司")
    assert created["Location"] == reverse("enterprise-detail", args=[enterprise.pk])

    form_html = client.get(reverse("enterprise-edit", args=[enterprise.pk])).content.decode()
    assert f'value="{regions["zhuma"].code}" selected' in form_html
    edited = client.post(
        reverse("enterprise-edit", args=[enterprise.pk]),
        enterprise_form(regions, employees="55", industry_code="3021"),
    )
    assert edited.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.employees == 55

    audit_page = client.get(
        reverse("audit-list"), {"content_type": "core.enterprise", "object_pk": enterprise.pk}
    )
    rows = audit_page.context["rows"]
    assert [row["action"] for row in rows] == ["修改", "新增"]
    assert all(row["entry"].actor == admin for row in rows)
    html = audit_page.content.decode()
    assert re.search(r"<dt>从业人数</dt><dd>40 → 55</dd>", html)
    assert rows[0]["entry"].cid in html  # the request id ties the entry to the log


def test_an_invalid_edit_changes_nothing(users, enterprise, regions):
    response = client_for(users["staff"]).post(
        reverse("enterprise-edit", args=[enterprise.pk]),
        enterprise_form(regions, employees="很多", credit_code=enterprise.credit_code),
    )
    assert response.status_code == 422
    assert "从业人数" in response.content.decode() and "应为整数" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.employees == 120
    assert enterprise.name == "竹马水泥建材有限公司"


def test_a_role_without_the_permission_cannot_post_an_enterprise(users, regions):
    response = client_for(users["handler"]).post(
        reverse("enterprise-create"), enterprise_form(regions)
    )
    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="竹马新材料有限公司").exists()


def test_registering_a_person_through_the_page_stores_and_shows_them_masked(users, regions):
    number = make_id_number("330702", datetime.date(1985, 6, 15), 41)
    response = client_for(users["staff"]).post(
        reverse("person-create"),
        {
            "name": "张伟",
            "id_number": number,
            "phone": "138 0000 4321",
            "region": regions["zhuma"].code,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "张伟" in html and "13800004321" not in html and number not in html
    assert Person.objects.get(name="张伟").phone == "13800004321"


def test_editing_a_person_keeps_the_numbers_out_of_the_page_and_unchanged_if_left_empty(
    users, local_person, regions
):
    client = client_for(users["staff"])
    url = reverse("person-edit", args=[local_person.pk])
    form_html = client.get(url).content.decode()
    assert local_person.id_number not in form_html
    assert "13900001111" not in form_html
    assert local_person.masked_id_number in form_html
    assert f'value="{regions["zhuma"].code}" selected' in form_html

    response = client.post(
        url, {"name": "竹马居民甲", "id_number": "", "phone": "", "region": regions["zhuma"].code}
    )

    assert response.status_code == 302
    local_person.refresh_from_db()
    assert local_person.name == "竹马居民甲"
    assert local_person.phone == "13900001111"
    history = client_for(users["admin"]).get(
        reverse("audit-list"), {"content_type": "core.person", "object_pk": local_person.pk}
    )
    assert "竹马居民 → 竹马居民甲" in history.content.decode()


def test_a_changed_phone_appears_masked_in_the_audit_trail(users, local_person, regions):
    client_for(users["staff"]).post(
        reverse("person-edit", args=[local_person.pk]),
        {"name": local_person.name, "phone": "13711112222", "region": regions["zhuma"].code},
    )
    local_person.refresh_from_db()
    assert local_person.phone == "13711112222"
    html = client_for(users["admin"]).get(reverse("audit-list")).content.decode()
    assert "139****1111 → 137****2222" in html
    assert "13711112222" not in html


# --- visits --------------------------------------------------------------------------


def test_recording_a_visit_from_an_enterprise_page(users, enterprise):
    client = client_for(users["staff"])
    detail = client.get(reverse("enterprise-detail", args=[enterprise.pk])).content.decode()
    assert f"{reverse('visit-create')}?enterprise={enterprise.pk}" in detail

    form = client.get(reverse("visit-create"), {"enterprise": enterprise.pk})
    assert form.context["form"]["enterprise"].value() == enterprise.pk

    response = client.post(
        reverse("visit-create"),
        {"enterprise": enterprise.pk, "visited_at": "2026-03-02T09:30", "notes": "走访了解用工"},
    )

    saved = Visit.objects.get()
    assert response["Location"] == reverse("visit-detail", args=[saved.pk])
    assert saved.visitor == users["staff"]
    assert saved.region == enterprise.region
    assert "走访了解用工" in client.get(response["Location"]).content.decode()


def test_the_visit_form_offers_only_what_the_visitor_sees(
    users, enterprise, other_enterprise, person, local_person
):
    client = client_for(users["handler"])
    html = client.get(reverse("visit-create")).content.decode()
    assert enterprise.name in html and other_enterprise.name not in html
    assert local_person.name in html and person.name not in html
    assert local_person.id_number not in html

    response = client.post(
        reverse("visit-create"),
        {"enterprise": other_enterprise.pk, "visited_at": "2026-03-02T09:30", "notes": "x"},
    )
    assert response.status_code == 422
    assert "所选对象不存在或无权访问" in response.content.decode()
    assert not Visit.objects.exists()
    assert client.get(reverse("visit-create"), {"person": person.pk}).status_code == 404


def test_a_visit_needs_exactly_one_target(users, enterprise, local_person):
    response = client_for(users["staff"]).post(
        reverse("visit-create"),
        {
            "enterprise": enterprise.pk,
            "person": local_person.pk,
            "visited_at": "2026-03-02T09:30",
            "notes": "x",
        },
    )
    assert response.status_code == 422
    assert "只能选一个" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_visit_list_filters_by_date_and_target_and_exports_what_it_shows(
    users, enterprise, local_person
):
    staff = users["staff"]
    march = visit(staff, enterprise, "2026-03-02T09:30", "三月走访企业")
    visit(staff, enterprise, "2026-04-10T09:30", "四月走访企业")
    visit(staff, local_person, "2026-03-05T15:00", "三月走访居民")
    client = client_for(staff)

    march_enterprises = client.get(
        reverse("visit-list"),
        {"date_from": "2026-03-01", "date_to": "2026-03-31", "kind": "enterprise"},
    )
    assert [v.pk for v in march_enterprises.context["page"]] == [march.pk]

    rows = workbook_rows(
        client.get(
            reverse("visit-list"),
            {"date_from": "2026-03-01", "date_to": "2026-03-31", "export": "xlsx"},
        )
    )
    assert sorted(row[rows[0].index("走访情况")] for row in rows[1:]) == [
        "三月走访企业",
        "三月走访居民",
    ]


def test_a_wrong_date_range_is_explained_instead_of_listing_everything(users, enterprise):
    visit(users["staff"], enterprise)
    response = client_for(users["staff"]).get(
        reverse("visit-list"), {"date_from": "2026-04-01", "date_to": "2026-03-01"}
    )
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期" in response.content.decode()
    assert not response.context["page"].object_list


def test_an_enterprise_account_sees_only_visits_to_its_enterprise(
    users, enterprise, other_enterprise
):
    leader_visit = visit(users["admin"], other_enterprise)
    own_visit = visit(users["staff"], enterprise)
    client = client_for(users["enterprise"])
    listed = client.get(reverse("visit-list")).context["page"]
    assert [v.pk for v in listed] == [own_visit.pk]
    assert client.get(reverse("visit-detail", args=[leader_visit.pk])).status_code == 404


# --- departments and audit -----------------------------------------------------------


def test_departments_are_listed_with_their_member_counts_and_exported(users, department):
    client = client_for(users["leader"])
    listed = client.get(reverse("department-list")).context["page"]
    assert [(d.name, d.member_count) for d in listed] == [("区经商局", 2)]
    rows = workbook_rows(client.get(reverse("department-list"), {"export": "xlsx"}))
    assert rows[1][0] == "区经商局" and rows[1][rows[0].index("人数")] == 2


def test_the_audit_page_filters_by_actor_and_names_unmasking(users, local_person, regions):
    admin = users["admin"]
    client = client_for(admin)
    client.post(reverse("person-unmask", args=[local_person.pk]))
    other = make_user(Role.STAFF, "staff2", regions=[regions["wucheng"]])
    services.do_update_person(
        other,
        local_person,
        {"name": "改名", "id_number": local_person.id_number, "region": regions["zhuma"].code},
    )

    by_admin = client.get(reverse("audit-list"), {"actor": admin.pk})
    assert [row["action"] for row in by_admin.context["rows"]] == ["查看敏感信息"]
    assert local_person.id_number not in by_admin.content.decode()
    by_other = client.get(reverse("audit-list"), {"actor": other.pk})
    assert [row["action"] for row in by_other.context["rows"]] == ["修改"]


def test_an_unknown_record_type_on_the_audit_page_is_explained_not_a_crash(users):
    response = client_for(users["admin"]).get(
        reverse("audit-list"), {"content_type": "core.nothing"}
    )
    assert response.status_code == 200
    assert "记录类型“core.nothing”不存在" in response.content.decode()


def test_visits_recorded_today_show_on_the_list_of_the_day(users, enterprise):
    now = timezone.localtime()
    visit(users["staff"], enterprise, now.strftime("%Y-%m-%dT%H:%M"))
    today = now.date().isoformat()
    response = client_for(users["staff"]).get(
        reverse("visit-list"), {"date_from": today, "date_to": today}
    )
    assert response.context["page"].paginator.count == 1


def test_refusals_are_explained_in_chinese_on_the_sites_own_pages(users, other_enterprise):
    client = client_for(users["resident"])
    forbidden = client.get("/enterprises/")
    assert forbidden.status_code == 403 and "无权访问" in forbidden.content.decode()
    missing = client_for(users["staff"]).get(f"/enterprises/{other_enterprise.pk}/")
    assert missing.status_code == 404 and "未找到" in missing.content.decode()


def test_the_edit_form_shows_the_enterprises_current_region(users, enterprise):
    page = client_for(users["staff"]).get(f"/enterprises/{enterprise.pk}/edit/").content.decode()
    assert 'value="330702202" selected' in page


def test_admins_can_tune_case_time_limits_and_grading_schemes_in_the_admin(users):
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save()
    client = client_for(users["admin"])
    for url in [
        "/admin/cases/casetype/",
        "/admin/enterprise/gradingscheme/",
        "/admin/enterprise/landparcel/",
        "/admin/cases/case/",
    ]:
        assert client.get(url).status_code == 200, url
