"""The JSON API under /api/v1/: who gets what, masking, errors, tokens and docs."""

import datetime
import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qinqing.core.models import ApiToken, AuditEntry, Enterprise, Person, Visit
from qinqing.core.synthetic import make_credit_code, make_id_number
from tests.conftest import client_for

API = "/api/v1"
ROLES = ["admin", "leader", "staff", "handler", "enterprise", "resident"]


def send(client, method: str, path: str, body=None):
    """A JSON request; ``body`` given as a str is sent as it is (for malformed JSON)."""
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    return client.generic(method, API + path, data or "", content_type="application/json")


def token_client(key: str, **kwargs) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"}, **kwargs)


def enterprise_body(regions, **overrides):
    body = {
        "name": "竹马新材料有限公司",
        "credit_code": make_credit_code("330702", 777),
        "industry_code": "C3021",
        "region": regions["zhuma"].code,
        "land_area_mu": "12.50",
        "employees": 40,
    }
    return {**body, **overrides}


def person_body(regions, **overrides):
    body = {
        "name": "张伟",
        "id_number": make_id_number("330702", datetime.date(1985, 6, 15), 41),
        "phone": "138 0000 4321",
        "region": regions["zhuma"].code,
    }
    return {**body, **overrides}


def visit_body(target, **overrides):
    kind = "enterprise" if isinstance(target, Enterprise) else "person"
    body = {kind: target.pk, "visited_at": "2026-03-02T09:30:00+08:00", "notes": "了解用工需求"}
    return {**body, **overrides}


# --- who gets what ---------------------------------------------------------------

# (method, path, body) built from the fixtures; then the status each role gets.
# Staff and handler work in 婺城区: they see 竹马 (enterprise, local_person) and not
# 百步 in 海盐 (other_enterprise, person).
MATRIX = {
    "list regions": (
        lambda f: ("GET", "/regions?parent=330702", None),
        dict(admin=200, leader=200, staff=200, handler=200, enterprise=200, resident=200),
    ),
    "list departments": (
        lambda f: ("GET", "/departments", None),
        dict(admin=200, leader=200, staff=200, handler=200, enterprise=403, resident=403),
    ),
    "list enterprises": (
        lambda f: ("GET", "/enterprises", None),
        dict(admin=200, leader=200, staff=200, handler=200, enterprise=200, resident=403),
    ),
    "enterprise outside the staff's regions": (
        lambda f: ("GET", f"/enterprises/{f['other_enterprise'].pk}", None),
        dict(admin=200, leader=200, staff=404, handler=404, enterprise=404, resident=404),
    ),
    "own-region enterprise": (
        lambda f: ("GET", f"/enterprises/{f['enterprise'].pk}", None),
        dict(admin=200, leader=200, staff=200, handler=200, enterprise=200, resident=404),
    ),
    "create an enterprise": (
        lambda f: ("POST", "/enterprises", enterprise_body(f["regions"])),
        dict(admin=201, leader=403, staff=201, handler=403, enterprise=403, resident=403),
    ),
    "change an enterprise": (
        lambda f: ("PATCH", f"/enterprises/{f['enterprise'].pk}", {"employees": 130}),
        dict(admin=200, leader=403, staff=200, handler=403, enterprise=403, resident=404),
    ),
    "list people": (
        lambda f: ("GET", "/people", None),
        dict(admin=200, leader=403, staff=200, handler=200, enterprise=403, resident=200),
    ),
    "person outside the staff's regions": (
        lambda f: ("GET", f"/people/{f['person'].pk}", None),
        dict(admin=200, leader=404, staff=404, handler=404, enterprise=404, resident=200),
    ),
    "create a person": (
        lambda f: ("POST", "/people", person_body(f["regions"])),
        dict(admin=201, leader=403, staff=201, handler=403, enterprise=403, resident=403),
    ),
    "change a person": (
        lambda f: ("PATCH", f"/people/{f['local_person'].pk}", {"name": "竹马老居民"}),
        dict(admin=200, leader=404, staff=200, handler=403, enterprise=404, resident=404),
    ),
    "unmask a person": (
        lambda f: ("POST", f"/people/{f['local_person'].pk}/unmask", None),
        dict(admin=200, leader=404, staff=403, handler=403, enterprise=404, resident=404),
    ),
    "list visits": (
        lambda f: ("GET", "/visits", None),
        dict(admin=200, leader=200, staff=200, handler=200, enterprise=200, resident=200),
    ),
    "record a visit": (
        lambda f: ("POST", "/visits", visit_body(f["enterprise"])),
        dict(admin=201, leader=403, staff=201, handler=201, enterprise=403, resident=403),
    ),
    "read the audit trail": (
        lambda f: ("GET", "/audit", None),
        dict(admin=200, leader=403, staff=403, handler=403, enterprise=403, resident=403),
    ),
}


@pytest.fixture
def world(regions, users, enterprise, other_enterprise, person, local_person):
    return {
        "regions": regions,
        "users": users,
        "enterprise": enterprise,
        "other_enterprise": other_enterprise,
        "person": person,
        "local_person": local_person,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_each_role_gets_what_its_permissions_and_regions_allow(world, action, role):
    build, expected = MATRIX[action]
    method, path, body = build(world)

    response = send(client_for(world["users"][role]), method, path, body)

    assert response.status_code == expected[role], response.content.decode()
    assert response["Content-Type"] == "application/json; charset=utf-8"
    if response.status_code in (403, 404):
        assert response.json()["detail"] in ("无权执行此操作", "未找到该记录")


def test_a_token_client_gets_the_same_answers_as_the_session(world):
    _, key = ApiToken.issue(world["users"]["staff"], "对接")
    client = token_client(key)

    assert client.get(f"{API}/me").json()["username"] == "staff1"
    names = [e["name"] for e in client.get(f"{API}/enterprises").json()["items"]]
    assert names == ["竹马水泥建材有限公司"]
    assert client.get(f"{API}/enterprises/{world['other_enterprise'].pk}").status_code == 404
    created = send(client, "POST", "/enterprises", enterprise_body(world["regions"]))
    assert created.status_code == 201
    assert send(client, "GET", "/audit").status_code == 403


def test_lists_show_only_what_the_user_may_see(world):
    staff, admin = world["users"]["staff"], world["users"]["admin"]

    staff_people = client_for(staff).get(f"{API}/people").json()
    admin_people = client_for(admin).get(f"{API}/people").json()

    assert [p["name"] for p in staff_people["items"]] == ["竹马居民"]
    assert staff_people["count"] == 1
    assert sorted(p["name"] for p in admin_people["items"]) == ["竹马居民", "蔡老"]


def test_enterprises_can_be_searched_by_name_credit_code_region_and_scale(world):
    client = client_for(world["users"]["admin"])

    def names(query):
        return sorted(e["name"] for e in client.get(f"{API}/enterprises?{query}").json()["items"])

    assert names("q=电子") == ["百步电子有限公司"]
    assert names(f"q={world['enterprise'].credit_code.lower()}") == ["竹马水泥建材有限公司"]
    assert names("region=330702") == ["竹马水泥建材有限公司"]
    assert names("region=330400") == ["百步电子有限公司"]  # 嘉兴市 and everything below it
    assert names("scale=below") == ["百步电子有限公司"]


def test_enterprise_lists_are_paginated_with_a_total_count(world):
    answer = client_for(world["users"]["admin"]).get(f"{API}/enterprises?limit=1").json()

    assert answer["count"] == 2
    assert len(answer["items"]) == 1


def test_people_are_found_by_exact_id_or_phone_number_however_it_is_typed(world):
    client = client_for(world["users"]["admin"])
    person = world["person"]
    typed_id = " ".join([person.id_number[:6], person.id_number[6:14], person.id_number[14:]])

    def found(body):
        return [p["name"] for p in send(client, "POST", "/people/search", body).json()["items"]]

    assert found({"id_number": typed_id}) == ["蔡老"]
    assert found({"phone": "+86 138-1234-5678"}) == ["蔡老"]
    assert found({"phone": "1381234"}) == []


def test_exact_search_finds_nobody_outside_the_users_regions(world):
    client = client_for(world["users"]["staff"])

    found = send(client, "POST", "/people/search", {"id_number": world["person"].id_number})

    assert found.json() == {"items": [], "count": 0}


@pytest.mark.parametrize("field", ["id_number", "phone"])
def test_a_full_number_in_the_url_is_refused_and_the_answer_points_to_the_post_search(world, field):
    client = client_for(world["users"]["admin"])
    number = {"id_number": world["person"].id_number, "phone": "13812345678"}[field]

    response = client.get(f"{API}/people", {field: number})

    assert response.status_code == 422
    assert "POST /api/v1/people/search" in response.json()["detail"]
    assert list(response.json()["errors"]) == [field]
    assert number not in response.content.decode()


def test_the_schema_does_not_offer_number_search_on_get(client):
    schema = client.get(f"{API}/openapi.json").json()

    get_params = {p["name"] for p in schema["paths"][f"{API}/people"]["get"]["parameters"]}
    post_body = schema["paths"][f"{API}/people/search"]["post"]["requestBody"]

    assert not get_params & {"id_number", "phone"}
    assert post_body["content"]["application/json"]["schema"]["$ref"].endswith("PersonSearchIn")


def test_regions_can_be_listed_by_parent_and_level(world):
    client = client_for(world["users"]["resident"])

    towns = client.get(f"{API}/regions", {"parent": "330702", "level": "town"}).json()
    wucheng = client.get(f"{API}/regions/330702").json()

    assert "竹马乡" in [t["name"] for t in towns["items"]]
    assert {t["parent"] for t in towns["items"]} == {"330702"}
    assert wucheng["level"] == "county"
    assert wucheng["full_name"] == "金华市婺城区"
    assert client.get(f"{API}/regions/999999").status_code == 404


# --- personal data -----------------------------------------------------------------


def test_people_responses_carry_only_masked_numbers(world):
    client = client_for(world["users"]["admin"])
    person = world["person"]
    body = person_body(world["regions"])
    full_numbers = [person.id_number, person.phone, body["id_number"], "13800004321"]

    responses = [
        client.get(f"{API}/people"),
        client.get(f"{API}/people/{person.pk}"),
        send(client, "POST", "/people/search", {"id_number": person.id_number}),
        send(client, "POST", "/people/search", {"phone": person.phone}),
        send(client, "POST", "/people", body),
        send(client, "PATCH", f"/people/{person.pk}", {"phone": "13912345678"}),
    ]
    full_numbers.append("13912345678")

    for response in responses:
        assert response.status_code in (200, 201)
        for number in full_numbers:
            assert number not in response.content.decode()
    detail = client.get(f"{API}/people/{person.pk}").json()
    assert detail["id_number"] == "330424********0317"
    assert detail["phone"] == "139****5678"
    assert detail["gender"] == "M"
    assert detail["birth_date"] == "1953-05-01"
    assert detail["region"] == world["regions"]["baibu"].code


def test_unmasking_returns_full_numbers_and_records_who_looked(world):
    admin, person = world["users"]["admin"], world["person"]

    response = send(
        client_for(admin), "POST", f"/people/{person.pk}/unmask", {"purpose": "核对优待金发放"}
    )

    assert response.json() == {"id_number": person.id_number, "phone": person.phone}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS, object_pk=str(person.pk))
    assert entry.actor == admin
    assert entry.additional_data["fields"] == ["id_number", "phone"]
    assert entry.additional_data["purpose"] == "核对优待金发放"


def test_unmasking_can_be_limited_to_one_field(world):
    response = send(
        client_for(world["users"]["admin"]),
        "POST",
        f"/people/{world['person'].pk}/unmask",
        {"fields": ["phone"]},
    )

    assert response.json() == {"id_number": None, "phone": "13812345678"}


def test_unmasking_is_refused_without_the_permission_and_leaves_no_access_entry(world):
    staff, local_person = world["users"]["staff"], world["local_person"]

    refused = send(client_for(staff), "POST", f"/people/{local_person.pk}/unmask")
    hidden = send(client_for(staff), "POST", f"/people/{world['person'].pk}/unmask")

    assert refused.status_code == 403
    assert local_person.id_number not in refused.content.decode()
    assert hidden.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


# --- writing -----------------------------------------------------------------------


def test_creating_an_enterprise_answers_201_with_the_record(world):
    response = send(
        client_for(world["users"]["staff"]),
        "POST",
        "/enterprises",
        enterprise_body(world["regions"]),
    )

    assert response.status_code == 201
    created = response.json()
    assert created["industry_code"] == "3021"
    assert created["region"] == world["regions"]["zhuma"].code
    assert created["region_name"] == "金华市婺城区竹马乡"
    assert Enterprise.objects.get(pk=created["id"]).employees == 40


def test_patching_an_enterprise_changes_only_the_fields_sent_and_is_audited(world):
    staff, enterprise = world["users"]["staff"], world["enterprise"]

    response = send(client_for(staff), "PATCH", f"/enterprises/{enterprise.pk}", {"employees": 135})

    assert response.status_code == 200
    enterprise.refresh_from_db()
    assert enterprise.employees == 135
    assert enterprise.name == "竹马水泥建材有限公司"
    assert enterprise.above_scale is True
    change = AuditEntry.objects.get(
        action=AuditEntry.Action.UPDATE, object_pk=str(enterprise.pk), actor=staff
    )
    assert change.changes_dict["employees"] == ["120", "135"]


def test_staff_cannot_file_an_enterprise_outside_their_regions(world):
    body = enterprise_body(world["regions"], region=world["regions"]["baibu"].code)

    response = send(client_for(world["users"]["staff"]), "POST", "/enterprises", body)

    assert response.status_code == 422
    assert response.json()["errors"]["region"] == ["不在您负责的区划内"]


def test_recording_a_visit_makes_the_caller_the_visitor(world):
    handler = world["users"]["handler"]

    response = send(client_for(handler), "POST", "/visits", visit_body(world["local_person"]))

    assert response.status_code == 201
    visit = Visit.objects.get(pk=response.json()["id"])
    assert visit.visitor == handler
    assert visit.person == world["local_person"]
    assert response.json()["person_name"] == "竹马居民"
    assert response.json()["visited_at"].startswith("2026-03-02T09:30:00")


def test_a_visit_to_someone_the_caller_cannot_see_is_refused(world):
    staff = world["users"]["staff"]

    response = send(client_for(staff), "POST", "/visits", visit_body(world["other_enterprise"]))

    assert response.status_code == 422
    assert response.json()["errors"]["enterprise"] == ["所选对象不存在或无权访问"]
    assert not Visit.objects.exists()


def test_visits_can_be_filtered_by_target_and_date(world):
    staff = world["users"]["staff"]
    client = client_for(staff)
    send(client, "POST", "/visits", visit_body(world["enterprise"]))
    send(
        client,
        "POST",
        "/visits",
        visit_body(world["local_person"], visited_at="2026-04-10T15:00:00+08:00"),
    )

    def count(query):
        return client.get(f"{API}/visits?{query}").json()["count"]

    assert count("") == 2
    assert count(f"enterprise={world['enterprise'].pk}") == 1
    assert count(f"person={world['local_person'].pk}") == 1
    assert count("date_from=2026-04-01") == 1
    assert count("date_from=2026-03-02&date_to=2026-03-02") == 1


# --- the audit trail ------------------------------------------------------------------


def test_the_audit_trail_of_one_enterprise_shows_who_changed_what(world):
    admin, staff, enterprise = world["users"]["admin"], world["users"]["staff"], world["enterprise"]
    send(client_for(staff), "PATCH", f"/enterprises/{enterprise.pk}", {"address": "竹马乡工业园"})

    entries = client_for(admin).get(
        f"{API}/audit",
        {"content_type": "core.enterprise", "object_pk": enterprise.pk, "actor": staff.pk},
    )

    [entry] = entries.json()["items"]
    assert entry["action"] == "update"
    assert entry["actor"] == "staff1"
    assert entry["changes"]["address"] == ["", "竹马乡工业园"]


def test_the_audit_trail_shows_personal_numbers_masked(world):
    admin = world["users"]["admin"]
    body = person_body(world["regions"])
    created = send(client_for(admin), "POST", "/people", body).json()

    answer = client_for(admin).get(
        f"{API}/audit", {"content_type": "core.person", "object_pk": created["id"]}
    )

    [entry] = answer.json()["items"]
    assert (
        entry["changes"]["id_number"][1]
        == body["id_number"][:6] + "********" + (body["id_number"][-4:])
    )
    assert body["id_number"] not in answer.content.decode()
    assert "13800004321" not in answer.content.decode()


def test_an_unknown_record_type_in_the_audit_filter_is_a_422(world):
    response = client_for(world["users"]["admin"]).get(f"{API}/audit?content_type=core.nothing")

    assert response.status_code == 422
    assert "content_type" in response.json()["errors"]


# --- bad input ------------------------------------------------------------------------


def test_a_wrong_credit_code_check_character_is_named_and_nothing_is_saved(world):
    body = enterprise_body(world["regions"], credit_code="91110000600037341M")

    response = send(client_for(world["users"]["staff"]), "POST", "/enterprises", body)

    assert response.status_code == 422
    assert response.json() == {
        "detail": "统一社会信用代码校验位错误，应为 L",
        "errors": {"credit_code": ["统一社会信用代码校验位错误，应为 L"]},
    }
    assert not Enterprise.objects.filter(name=body["name"]).exists()
    assert not AuditEntry.objects.filter(object_repr=body["name"]).exists()


def test_a_wrong_id_number_check_character_is_named_and_nothing_is_saved(world):
    valid = make_id_number("330702", datetime.date(1985, 6, 15), 41)
    wrong = valid[:17] + ("1" if valid[17] != "1" else "2")

    response = send(
        client_for(world["users"]["admin"]),
        "POST",
        "/people",
        person_body(world["regions"], id_number=wrong),
    )

    assert response.status_code == 422
    assert response.json()["errors"]["id_number"] == [f"身份证号校验位错误，应为 {valid[17]}"]
    assert response.json()["detail"] == f"身份证号校验位错误，应为 {valid[17]}"
    assert not Person.objects.filter(name="张伟").exists()
    assert wrong not in response.content.decode()


def test_a_missing_field_and_text_in_a_number_field_are_named_in_chinese(world):
    body = enterprise_body(world["regions"], employees="很多")
    del body["name"]

    response = send(client_for(world["users"]["staff"]), "POST", "/enterprises", body)

    assert response.status_code == 422
    answer = response.json()
    assert answer["errors"] == {"name": ["必填"], "employees": ["应为整数"]}
    assert "企业名称：必填" in answer["detail"]
    assert "从业人数：应为整数" in answer["detail"]
    assert not Enterprise.objects.filter(credit_code=body["credit_code"]).exists()


def test_a_misspelt_field_is_refused_rather_than_ignored(world):
    body = enterprise_body(world["regions"], employes=12)

    response = send(client_for(world["users"]["staff"]), "POST", "/enterprises", body)

    assert response.status_code == 422
    assert response.json()["errors"] == {"employes": ["不支持的字段"]}


def test_a_patch_with_an_invalid_value_changes_nothing(world):
    enterprise = world["enterprise"]

    response = send(
        client_for(world["users"]["staff"]),
        "PATCH",
        f"/enterprises/{enterprise.pk}",
        {"employees": 10, "industry_code": "99"},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"industry_code": ["行业代码大类“99”不存在"]}
    enterprise.refresh_from_db()
    assert enterprise.employees == 120


@pytest.mark.parametrize("body", ['{"name": "竹马', "not json at all", "{,}"])
def test_malformed_json_is_a_400_json_answer_and_saves_nothing(world, body):
    response = send(client_for(world["users"]["staff"]), "POST", "/enterprises", body)

    assert response.status_code == 400
    assert response.json()["detail"] == "请求体不是有效的 JSON"
    assert Enterprise.objects.count() == 2


def test_a_json_array_instead_of_an_object_is_a_422(world):
    response = send(client_for(world["users"]["staff"]), "POST", "/enterprises", "[1, 2]")

    assert response.status_code == 422
    assert response.json()["detail"] == "请求体应为 JSON 对象"


def test_a_bad_query_parameter_is_a_422_naming_it(world):
    response = client_for(world["users"]["admin"]).get(f"{API}/enterprises?scale=maybe")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["scale"]
    assert response.json()["detail"].startswith("规模：")


# --- authentication and tokens -----------------------------------------------------------


def test_without_a_login_or_token_the_answer_is_401_json(world):
    response = Client().get(f"{API}/enterprises")

    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录或提供有效的访问令牌"


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown"])
def test_a_revoked_expired_or_unknown_token_is_a_401(world, state):
    token, key = ApiToken.issue(world["users"]["staff"], "对接")
    if state == "revoked":
        token.revoked_at = timezone.now()
        token.save()
    elif state == "expired":
        token.expires_at = timezone.now() - datetime.timedelta(minutes=1)
        token.save()
    else:
        key = key[:-2] + "xx"

    client = token_client(key)
    listing = client.get(f"{API}/enterprises")
    creating = send(client, "POST", "/enterprises", enterprise_body(world["regions"]))

    assert listing.status_code == 401
    assert creating.status_code == 401
    assert creating.json()["detail"] == "请先登录或提供有效的访问令牌"


def test_a_bad_token_is_refused_even_alongside_a_valid_session(world):
    client = client_for(world["users"]["staff"])
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer qq_not-a-real-token"

    assert client.get(f"{API}/enterprises").status_code == 401


def test_browser_sessions_need_the_csrf_token_to_write_but_tokens_do_not(world):
    staff = world["users"]["staff"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)

    refused = send(browser, "POST", "/enterprises", enterprise_body(world["regions"]))
    browser.cookies["csrftoken"] = "a" * 32
    browser.defaults["HTTP_X_CSRFTOKEN"] = "a" * 32
    accepted = send(browser, "POST", "/enterprises", enterprise_body(world["regions"]))
    _, key = ApiToken.issue(staff, "对接")
    machine = token_client(key, enforce_csrf_checks=True)
    by_token = send(
        machine,
        "POST",
        "/enterprises",
        enterprise_body(
            world["regions"], name="另一家公司", credit_code=make_credit_code("330702", 778)
        ),
    )

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201
    assert by_token.status_code == 201


def test_users_create_list_and_revoke_their_own_tokens(world):
    staff = world["users"]["staff"]
    browser = client_for(staff)

    created = send(browser, "POST", "/tokens", {"name": "统计局对接", "days": 30})
    key = created.json()["key"]
    listed = browser.get(f"{API}/tokens")
    works = token_client(key).get(f"{API}/me")
    revoked = send(browser, "DELETE", f"/tokens/{created.json()['id']}")
    after = token_client(key).get(f"{API}/me")

    assert created.status_code == 201
    assert key.startswith("qq_")
    assert created.json()["expires_at"] is not None
    assert listed.json()[0]["prefix"] == key[:8]
    assert key not in listed.content.decode()
    assert works.json()["username"] == "staff1"
    assert revoked.status_code == 204
    assert after.status_code == 401
    events = AuditEntry.objects.filter(actor=staff, content_type__model="apitoken")
    assert sorted(e.event for e in events) == ["token_issued", "token_revoked"]


def test_a_user_cannot_see_or_revoke_someone_elses_token(world):
    other, _ = ApiToken.issue(world["users"]["admin"], "管理员的令牌")
    browser = client_for(world["users"]["staff"])

    assert browser.get(f"{API}/tokens").json() == []
    assert send(browser, "DELETE", f"/tokens/{other.pk}").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_a_token_cannot_mint_more_tokens(world):
    _, key = ApiToken.issue(world["users"]["staff"], "对接")

    response = send(token_client(key), "POST", "/tokens", {"name": "再来一个"})

    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


def test_a_token_without_a_name_is_refused(world):
    response = send(client_for(world["users"]["staff"]), "POST", "/tokens", {"name": "  "})

    assert response.status_code == 422
    assert response.json()["detail"] == "用途：不能为空"


def test_the_command_prints_a_working_token_once(world):
    out, err = io.StringIO(), io.StringIO()

    call_command("issue_api_token", "staff1", "统计局对接", "--days", "30", stdout=out, stderr=err)

    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=world["users"]["staff"])
    assert token.name == "统计局对接"
    assert token.key_hash == ApiToken.hash_key(key)
    assert (
        datetime.timedelta(days=29)
        < token.expires_at - timezone.now()
        <= datetime.timedelta(days=30)
    )
    assert "只显示这一次" in err.getvalue()
    assert token_client(key).get(f"{API}/me").json()["username"] == "staff1"


def test_the_command_refuses_an_unknown_user(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="账号不存在"):
        call_command("issue_api_token", "nobody", "对接")


# --- schema and docs ----------------------------------------------------------------------


def test_the_openapi_schema_lists_the_endpoints(client):
    schema = client.get(f"{API}/openapi.json").json()

    for path in [
        "/api/v1/regions",
        "/api/v1/departments",
        "/api/v1/enterprises",
        "/api/v1/enterprises/{enterprise_id}",
        "/api/v1/people",
        "/api/v1/people/{person_id}/unmask",
        "/api/v1/visits",
        "/api/v1/audit",
        "/api/v1/tokens",
    ]:
        assert path in schema["paths"]
    assert (
        schema["components"]["schemas"]["EnterpriseIn"]["properties"]["credit_code"]["title"]
        == "统一社会信用代码"
    )


def test_the_docs_page_loads_only_local_assets(client):
    response = client.get(f"{API}/docs")

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert re.findall(r"https?://", html) == []
    assert finders.find("ninja/swagger-ui-bundle.js") is not None


def test_the_enterprise_page_its_export_and_the_api_list_the_same_rows(world):
    from io import BytesIO

    from openpyxl import load_workbook

    client = client_for(world["users"]["admin"])
    query = "q=有限公司&region=330400&scale=below"
    api = sorted(e["name"] for e in client.get(f"{API}/enterprises?{query}").json()["items"])
    page = client.get(f"/enterprises/?{query}").content.decode()
    sheet = load_workbook(BytesIO(client.get(f"/enterprises/?{query}&export=xlsx").content)).active
    exported = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert api == exported == ["百步电子有限公司"]
    assert "百步电子有限公司" in page and "竹马水泥建材有限公司" not in page


def test_a_bad_filter_value_is_named_alike_on_the_page_and_in_the_api(world):
    client = client_for(world["users"]["admin"])
    api = client.get(f"{API}/enterprises?region=abc")
    page = client.get("/enterprises/?region=abc")
    assert api.status_code == 422 and list(api.json()["errors"]) == ["region"]
    assert page.status_code == 400 and "区划代码" in page.content.decode()


def test_no_two_api_schemas_share_a_name_so_the_published_schema_is_each_endpoints_own():
    # Ninja names a schema's component after its class: two modules' FiguresOut would
    # publish one shape for both endpoints, and clients would be told the wrong thing.
    import importlib
    import inspect

    from django.apps import apps
    from ninja import Schema

    seen: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("qinqing."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                assert name not in seen, f"{name} in {module.__name__} and {seen[name]}"
                seen[name] = module.__name__
