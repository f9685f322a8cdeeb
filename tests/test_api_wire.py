"""What every API answer shares: Beijing-time ISO 8601 datetimes and one error shape,
and the parameter problems that used to end in a server error."""

import datetime
import json
import re

import pytest
from django.test import Client

from qinqing.core.models import ApiToken, Enterprise
from tests.conftest import client_for

API = "/api/v1"
LOOKS_LIKE_A_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
BEIJING_ISO_8601 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3,6})?\+08:00")


def send(client, method: str, path: str, body=None):
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    return client.generic(method, API + path, data or "", content_type="application/json")


def time_strings(value, where=""):
    """Every string in a JSON document that reads as a date with a time, with where it is."""
    if isinstance(value, str):
        return [(where, value)] if LOOKS_LIKE_A_TIME.match(value) else []
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in time_strings(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in time_strings(v, f"{where}[{i}]")]
    return []


# --- one time format -------------------------------------------------------------


def test_every_time_in_every_answer_is_iso_8601_in_beijing_time(
    regions, users, enterprise, person, settings
):
    client = client_for(users["admin"])
    zhuma = regions["zhuma"].code
    send(client, "PATCH", f"/enterprises/{enterprise.pk}", {"employees": 121})
    visit = send(
        client,
        "POST",
        "/visits",
        {"enterprise": enterprise.pk, "visited_at": "2026-03-02T01:30:00Z", "notes": "回访"},
    )
    token = send(client, "POST", "/tokens", {"name": "统计局对接", "days": 30})
    case = send(client, "POST", "/cases", {"title": "路灯不亮", "region": zhuma})
    assert (visit.status_code, token.status_code, case.status_code) == (201, 201, 201)

    answers = {
        path: client.get(API + path).json()
        for path in [
            "/enterprises",
            f"/enterprises/{enterprise.pk}",
            "/visits",
            f"/visits/{visit.json()['id']}",
            "/tokens",
            "/audit",
            "/cases",
            f"/cases/{case.json()['id']}",
            "/notifications",
        ]
    }
    answers["POST /tokens"] = token.json()
    found = [
        (path + where, text)
        for path, answer in answers.items()
        for where, text in time_strings(answer)
    ]

    wrong = [(where, text) for where, text in found if not BEIJING_ISO_8601.fullmatch(text)]
    assert wrong == [], wrong
    # The visit was at 01:30 UTC: 09:30 in Beijing, whatever the server's own clock zone.
    assert answers["/visits"]["items"][0]["visited_at"].startswith("2026-03-02T09:30:00")
    # Each kind of record carried its times through the same renderer.
    for field in ["created_at", "updated_at", "visited_at", "timestamp", "expires_at", "due_at"]:
        assert any(where.endswith("." + field) for where, _ in found), field


# --- one error shape -----------------------------------------------------------------


def test_every_error_answer_has_a_chinese_detail_and_per_field_errors(regions, users, enterprise):
    admin, resident = client_for(users["admin"]), client_for(users["resident"])
    _, key = ApiToken.issue(users["admin"], "对接")
    case = send(admin, "POST", "/cases", {"title": "路灯不亮", "region": regions["zhuma"].code})
    case_id = case.json()["id"]

    answers = {
        401: [Client().get(f"{API}/enterprises"), Client().post(f"{API}/visits")],
        403: [
            resident.get(f"{API}/enterprises"),
            send(
                Client(headers={"Authorization": f"Bearer {key}"}), "POST", "/tokens", {"name": "x"}
            ),
        ],
        404: [
            admin.get(f"{API}/enterprises/999999"),
            admin.get(f"{API}/cases/999999"),
            admin.get(f"{API}/no-such-endpoint"),
        ],
        405: [send(admin, "DELETE", "/enterprises"), send(admin, "PUT", "/visits")],
        409: [send(admin, "POST", f"/cases/{case_id}/steps/reply", {"note": "答复"})],
        422: [
            admin.get(f"{API}/enterprises", {"offset": "-1"}),
            send(admin, "POST", "/enterprises", {"name": ""}),
        ],
        400: [send(admin, "POST", "/enterprises", "{not json")],
    }

    for status, responses in answers.items():
        for response in responses:
            body = response.json()
            assert response.status_code == status, body
            assert response["Content-Type"].startswith("application/json")
            assert set(body) == {"detail", "errors"}
            assert re.search(r"[\u4e00-\u9fff]", body["detail"]), body
            assert isinstance(body["errors"], dict)
            assert all(isinstance(messages, list) for messages in body["errors"].values())


def test_a_405_still_says_which_methods_the_path_serves(users):
    response = send(client_for(users["admin"]), "DELETE", "/enterprises")

    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert "GET" in response.json()["detail"]


def test_the_schema_documents_the_answers_every_operation_can_give(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    operations = {
        f"{method.upper()} {path}": operation
        for path, methods in paths.items()
        for method, operation in methods.items()
    }

    for name, operation in operations.items():
        codes = set(operation["responses"])
        assert "401" in codes, name
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in codes, name
        for code in codes - {"200", "201", "204"}:
            schema = operation["responses"][code]["content"]["application/json"]["schema"]
            assert schema["$ref"].endswith("/ErrorOut"), name
    assert {"404"} <= set(operations[f"GET {API}/cases/{{case_id}}"]["responses"])
    assert {"403", "404", "409", "422"} <= set(
        operations[f"POST {API}/cases/{{case_id}}/steps/{{code}}"]["responses"]
    )


# --- parameters that used to be server errors -------------------------------------------


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/enterprises?offset=99999999999999999999", "offset", "跳过条数：不能大于1000000000"),
        ("/enterprises?limit=99999999999999999999", "limit", "每页条数：不能大于500"),
        ("/enterprises?limit=10&limit=20", "limit", "limit：只能给出一个值"),
        ("/enterprises?q=%00", "q", "q：不能包含空字符（\\0）"),
        ("/people?q=%E5%BC%A0%00", "q", "q：不能包含空字符（\\0）"),
        ("/audit?object_pk=%00", "object_pk", "object_pk：不能包含空字符（\\0）"),
        ("/audit?object_pk=abc", "object_pk", "记录 ID：应为整数"),
        ("/visits?enterprise=99999999999999999999", "enterprise", "企业 ID：不能大于"),
        ("/visits?date_to=0", "date_to", "截止日期：日期格式应为 2026-01-31"),
        ("/enterprises/99999999999999999999", "enterprise_id", "不能大于"),
        ("/regions/33%00", "code", "code：不能包含空字符"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it_not_a_server_error(users, path, field, message):
    response = client_for(users["admin"]).get(API + path)

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert list(response.json()["errors"]) == [field]


def test_a_nul_character_in_a_json_body_is_a_422_naming_the_field_and_saves_nothing(regions, users):
    client = client_for(users["admin"])
    body = {"name": "竹马\x00公司", "credit_code": "x", "industry_code": "3011", "region": "330702"}
    before = Enterprise.objects.count()

    response = send(client, "POST", "/enterprises", body)

    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["不能包含空字符（\\0）"]}
    assert Enterprise.objects.count() == before


def test_a_patch_cannot_blank_a_required_field_with_null(users, enterprise):
    response = send(
        client_for(users["admin"]), "PATCH", f"/enterprises/{enterprise.pk}", {"name": None}
    )

    assert response.status_code == 422
    assert "企业名称" in response.json()["detail"]
    enterprise.refresh_from_db()
    assert enterprise.name == "竹马水泥建材有限公司"


def test_local_time_is_kept_when_the_input_has_no_offset(users, enterprise):
    client = client_for(users["admin"])
    body = {"enterprise": enterprise.pk, "visited_at": "2026-03-02T09:30:00", "notes": "回访"}

    visit = send(client, "POST", "/visits", body).json()

    assert visit["visited_at"] == "2026-03-02T09:30:00+08:00"
    assert datetime.datetime.fromisoformat(visit["visited_at"]).utcoffset() == datetime.timedelta(
        hours=8
    )
