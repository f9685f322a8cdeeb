"""Login throttling (django-axes): five wrong passwords lock an account on that address."""

import datetime

from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from qinqing.core.models import ApiToken, AuditEntry
from tests.conftest import PASSWORD, client_for, log_in

WRONG = "wrong-password-123"


def _fail(client, username="staff1", times=5):
    return [log_in(client, username, WRONG) for _ in range(times)]


def test_the_sixth_attempt_is_refused_even_with_the_right_password(users):
    client = Client()

    responses = _fail(client)

    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert "用户名或密码不正确" in responses[0].content.decode()
    refused = log_in(client, "staff1", PASSWORD)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "登录失败次数过多" in page and "请在 15 分钟后" in page
    assert "_auth_user_id" not in client.session
    assert client.get("/enterprises/").status_code == 302  # still signed out


def test_another_account_from_the_same_address_is_unaffected(users):
    _fail(Client())

    response = log_in(Client(), "leader1", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_account_is_not_locked_for_someone_at_another_address(users):
    _fail(Client())

    assert log_in(Client(REMOTE_ADDR="10.1.2.3"), "staff1", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock_without_a_trusted_proxy(users):
    for n in range(5):
        log_in(Client(HTTP_X_FORWARDED_FOR=f"10.9.9.{n}"), "staff1", WRONG)

    forged = Client(HTTP_X_FORWARDED_FOR="10.9.9.99")
    assert log_in(forged, "staff1", PASSWORD).status_code == 429


@override_settings(QINQING_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_each_client_is_counted_by_its_forwarded_address(users):
    # The proxy appends the address it saw; what the client wrote before it is ignored.
    for _ in range(5):
        log_in(Client(HTTP_X_FORWARDED_FOR="1.1.1.1, 10.0.0.7"), "staff1", WRONG)

    locked = Client(HTTP_X_FORWARDED_FOR="2.2.2.2, 10.0.0.7")
    other_desk = Client(HTTP_X_FORWARDED_FOR="10.0.0.8")
    assert log_in(locked, "staff1", PASSWORD).status_code == 429
    assert log_in(other_desk, "staff1", PASSWORD).status_code == 302


def test_each_failed_login_is_in_the_audit_trail_without_the_password(users):
    client = Client()
    _fail(client, times=3)
    log_in(client, "nobody-here", WRONG)

    entries = AuditEntry.objects.filter(additional_data__event="login_failed")
    assert entries.count() == 4
    staff_entries = entries.filter(object_pk=str(users["staff"].pk))
    assert staff_entries.count() == 3
    entry = staff_entries.first()
    assert entry.action == AuditEntry.Action.ACCESS
    assert entry.additional_data["username"] == "staff1"
    assert entry.additional_data["ip_address"] == "127.0.0.1"
    assert entries.get(object_pk="").additional_data["username"] == "nobody-here"
    for stored in entries.values_list("additional_data", "changes", "object_repr"):
        assert WRONG not in str(stored)
    admin = client_for(users["admin"])
    audit_page = admin.get("/audit/?content_type=core.user").content.decode()
    assert "登录失败" in audit_page and "用户名：nobody-here" in audit_page
    assert admin.get("/api/v1/audit").status_code == 200


def test_the_right_password_works_again_after_the_cool_off(users):
    client = Client()
    _fail(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert log_in(client, "staff1", PASSWORD).status_code == 302


def test_an_operator_unlocks_an_account_with_axes_command(users):
    _fail(Client())

    call_command("axes_reset_username", "staff1")

    assert log_in(Client(), "staff1", PASSWORD).status_code == 302


def test_a_successful_login_forgets_earlier_mistakes(users):
    client = Client()
    _fail(client, times=4)
    assert log_in(client, "staff1", PASSWORD).status_code == 302

    later = Client()
    _fail(later, times=4)
    assert log_in(later, "staff1", PASSWORD).status_code == 302


def test_api_tokens_and_sessions_made_without_a_password_are_not_throttled(users):
    _token, key = ApiToken.issue(users["staff"], "脚本")
    _fail(Client())

    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/enterprises").status_code == 200
    assert client_for(users["staff"]).get("/enterprises/").status_code == 200
