"""Own password change, temporary passwords set by an admin, and the password policy."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from qinqing.core.models import ApiToken, AuditEntry, User
from tests.conftest import PASSWORD, client_for, log_in

NEW = "Zhuma-Ledger-7391"


def _change(client, old, new, again=None, **extra):
    return client.post(
        "/accounts/password_change/",
        {"old_password": old, "new_password1": new, "new_password2": again or new, **extra},
    )


def test_a_resident_changes_their_own_password(users):
    client = Client()
    log_in(client, "resident1", PASSWORD)

    assert "修改密码" in client.get("/accounts/password_change/").content.decode()
    response = _change(client, PASSWORD, NEW)

    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in
    assert log_in(Client(), "resident1", NEW).status_code == 302
    entry = AuditEntry.objects.get(additional_data__event="password_changed")
    assert entry.actor == users["resident"]


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("qinqing2026", "该密码是公开的演示密码或常见密码"),
        ("QinQing2026", "该密码是公开的演示密码或常见密码"),
        ("password123", "这个密码太常见了"),
        ("short7", "密码太短，至少需要 10 个字符"),
        ("1234567890123", "密码只包含数字"),
        (PASSWORD, "新密码不能与当前密码相同"),
    ],
)
def test_a_weak_known_or_unchanged_password_is_refused_and_nothing_changes(users, new, message):
    client = client_for(users["staff"])

    response = _change(client, PASSWORD, new)

    assert response.status_code == 422
    assert message in response.content.decode()
    users["staff"].refresh_from_db()
    assert users["staff"].check_password(PASSWORD)


def test_a_wrong_current_password_is_named(users):
    response = _change(client_for(users["staff"]), "not-my-password", NEW)

    assert response.status_code == 422
    assert "你的旧密码不正确" in response.content.decode()


def test_the_demo_password_is_refused_by_every_password_validation():
    with pytest.raises(ValidationError):
        validate_password("qinqing2026")


def _admin_client(users):
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return client_for(admin)


def test_an_account_an_admin_creates_must_change_its_password_first(users):
    response = _admin_client(users).post(
        "/admin/core/user/add/",
        {
            "username": "newclerk",
            "usable_password": "true",
            "password1": "Temp-Pass-4821",
            "password2": "Temp-Pass-4821",
            "full_name": "新办事员",
            "role": "staff",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newclerk").must_change_password

    client = Client()
    signed_in = log_in(client, "newclerk", "Temp-Pass-4821")
    home = client.get(signed_in["Location"])
    assert home.status_code == 302
    assert home["Location"].startswith("/accounts/password_change/")
    forced = client.get(home["Location"]).content.decode()
    assert "临时密码" in forced
    assert client.get("/enterprises/")["Location"].startswith("/accounts/password_change/")
    api = client.get("/api/v1/enterprises")
    assert api.status_code == 403
    assert "临时密码" in api.json()["detail"]

    changed = _change(client, "Temp-Pass-4821", NEW, next="/enterprises/")

    assert changed["Location"] == "/enterprises/"
    assert not User.objects.get(username="newclerk").must_change_password
    assert client.get("/enterprises/").status_code == 200
    assert client.get("/api/v1/enterprises").status_code == 200


def test_an_admin_reset_makes_the_password_temporary_and_is_audited(users):
    staff = users["staff"]
    admin_client = _admin_client(users)

    response = admin_client.post(
        f"/admin/core/user/{staff.pk}/password/",
        {"password1": "Reset-Pass-5530", "password2": "Reset-Pass-5530"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert staff.must_change_password and staff.check_password("Reset-Pass-5530")
    entries = AuditEntry.objects.filter(
        object_pk=str(staff.pk),
        action=AuditEntry.Action.UPDATE,
        changes__has_key="must_change_password",
    )
    assert [entry.actor for entry in entries] == [users["admin"]]


def test_an_admin_cannot_set_the_demo_password(users):
    staff = users["staff"]

    response = _admin_client(users).post(
        f"/admin/core/user/{staff.pk}/password/",
        {"password1": "qinqing2026", "password2": "qinqing2026"},
    )

    assert response.status_code == 200
    assert "该密码是公开的演示密码或常见密码" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD) and not staff.must_change_password


def test_a_token_of_an_account_with_a_temporary_password_is_refused(users):
    staff = users["staff"]
    _token, key = ApiToken.issue(staff, "脚本")
    User.objects.filter(pk=staff.pk).update(must_change_password=True)

    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/enterprises")

    assert response.status_code == 403
    assert "临时密码" in response.json()["detail"]


def test_signing_out_works_with_a_temporary_password(users):
    User.objects.filter(pk=users["staff"].pk).update(must_change_password=True)
    client = client_for(users["staff"])

    response = client.post("/accounts/logout/")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_a_change_page_redirect_never_leaves_the_site(users):
    client = Client()
    log_in(client, "staff1", PASSWORD)

    response = _change(client, PASSWORD, NEW, next="https://evil.example/")

    assert response["Location"] == "/"
