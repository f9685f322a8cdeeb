"""Bad query and form parameters are answered 400 in Chinese, never 500 (both databases)."""

import pytest

from tests.conftest import client_for


@pytest.mark.parametrize(
    "url",
    [
        "/enterprises/?q=%00",
        "/people/?q=a%00b",
        "/station/problems/?q=%00",
        "/audit/?object_pk=%00",
        "/departments/?q=%00",
    ],
)
def test_a_nul_byte_in_a_list_filter_is_refused_with_a_chinese_message(users, url):
    response = client_for(users["admin"]).get(url)

    assert response.status_code == 400
    assert "含有不允许的空字符" in response.content.decode()


def test_a_nul_byte_in_a_posted_form_is_refused_before_anything_is_saved(users, regions):
    from qinqing.core.models import Enterprise

    response = client_for(users["admin"]).post(
        "/enterprises/new/", {"name": "空字符\x00公司", "region": regions["zhuma"].pk}
    )

    assert response.status_code == 400
    assert "参数“name”含有不允许的空字符" in response.content.decode()
    assert not Enterprise.objects.filter(name__startswith="空字符").exists()


def test_a_nul_byte_in_an_api_query_is_answered_with_json(users):
    # The API refuses it itself, with the 422 its schema documents.
    response = client_for(users["admin"]).get("/api/v1/enterprises?q=%00")

    assert response.status_code == 422
    assert "空字符" in response.json()["errors"]["q"][0]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        # Lists with a shared filter name the field as their filter form labels it.
        ("/station/problems/?department=abc", "承办部门：应为数字编号"),
        ("/station/problems/?department=1%2B1&export=xlsx", "承办部门：应为数字编号"),
        ("/station/visits/?officer=abc", "参数“officer”（服务员）应为数字编号"),
        ("/audit/?actor=abc", "参数“actor”（操作人）应为数字编号"),
    ],
)
def test_a_non_numeric_id_in_a_filter_is_named_in_a_400(users, url, message):
    response = client_for(users["admin"]).get(url)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_numeric_id_filter_still_filters(users, department):
    response = client_for(users["admin"]).get(f"/station/problems/?department={department.pk}")

    assert response.status_code == 200


def test_a_garbage_forwarded_for_header_neither_breaks_a_write_nor_enters_the_audit_trail(
    users, regions
):
    from qinqing.core.models import AuditEntry, Enterprise
    from tests.test_pages import enterprise_form

    client = client_for(users["admin"])
    response = client.post(
        "/enterprises/new/",
        enterprise_form(regions),
        HTTP_X_FORWARDED_FOR="not-an-address, 6.6.6.6",
    )

    assert response.status_code == 302
    enterprise = Enterprise.objects.get(name="竹马新材料有限公司")
    entry = AuditEntry.objects.get(object_pk=str(enterprise.pk), content_type__model="enterprise")
    assert entry.remote_addr == "127.0.0.1"  # no proxy is trusted by default
