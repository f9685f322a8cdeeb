"""Rotating the personal-data key: re-encrypt everything under a new key, resumably."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse

from qinqing.core import crypto
from qinqing.core.models import AuditEntry, Person, Role
from qinqing.core.synthetic import make_id_number
from tests.conftest import client_for, make_user

KEY_A = crypto.generate_key()
KEY_B = crypto.generate_key()


@pytest.fixture
def under_key_a(settings):
    settings.QINQING_FIELD_KEY = KEY_A
    settings.QINQING_FIELD_KEY_PREVIOUS = ""
    return settings


@pytest.fixture
def people(under_key_a, regions):
    return [
        Person.objects.create(
            name=f"居民{i}",
            id_number=make_id_number("330702", datetime.date(1960 + i, 3, 1 + i), 10 + i),
            phone=f"1390000{i:04d}",
            region=regions["zhuma"],
        )
        for i in range(5)
    ]


@pytest.fixture
def admin(under_key_a):
    return make_user(Role.ADMIN, "admin-rotation", phone="13700001234")


def switch_to_key_b(settings, *, keep_a: bool) -> None:
    settings.QINQING_FIELD_KEY = KEY_B
    settings.QINQING_FIELD_KEY_PREVIOUS = KEY_A if keep_a else ""


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_field_key", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def assert_everyone_reads_and_is_found(admin, people):
    client = client_for(admin)
    for person in people:
        stored = Person.objects.get(pk=person.pk)
        assert (stored.id_number, stored.phone) == (person.id_number, person.phone)
        found = client.post(reverse("person-list"), {"q": person.id_number})
        assert [p.pk for p in found.context["page"]] == [person.pk]
        by_phone = client.post(reverse("person-list"), {"q": person.phone})
        assert [p.pk for p in by_phone.context["page"]] == [person.pk]
        through_api = client.post(
            "/api/v1/people/search",
            {"id_number": person.id_number},
            content_type="application/json",
        )
        assert [p["name"] for p in through_api.json()["items"]] == [person.name]


def test_with_the_new_key_set_and_the_old_one_kept_everything_still_reads_before_rotating(
    settings, people, admin
):
    switch_to_key_b(settings, keep_a=True)

    assert_everyone_reads_and_is_found(admin, people)


def test_without_the_old_key_unrotated_people_cannot_be_read(settings, people):
    switch_to_key_b(settings, keep_a=False)

    with pytest.raises(ImproperlyConfigured, match="无法解密"):
        Person.objects.get(pk=people[0].pk)


def test_a_rotation_stopped_after_one_batch_leaves_everyone_readable_and_findable(
    settings, people, admin
):
    switch_to_key_b(settings, keep_a=True)

    rotate("--batch-size", "2", "--batches", "1")

    assert_everyone_reads_and_is_found(admin, people)
    with pytest.raises(CommandError, match="仍有记录需要旧密钥"):
        rotate("--check")


def test_check_names_how_many_rows_still_need_the_old_key(settings, people, admin):
    switch_to_key_b(settings, keep_a=True)
    rotate("--batch-size", "2", "--batches", "1")

    errors = StringIO()
    with pytest.raises(CommandError):
        call_command("rotate_field_key", "--check", stdout=StringIO(), stderr=errors)

    # Two people moved in the one batch; three remain, and the account's phone.
    assert "人员（core.Person）有 3 条仍使用旧密钥" in errors.getvalue()
    assert "账号（core.User）有 1 条仍使用旧密钥" in errors.getvalue()


def test_after_a_completed_rotation_the_old_key_can_go(settings, people, admin):
    switch_to_key_b(settings, keep_a=True)

    rotate("--batch-size", "2", "--batches", "1")
    report = rotate("--batch-size", "2")  # resumes

    assert "可以移除 QINQING_FIELD_KEY_PREVIOUS" in report
    switch_to_key_b(settings, keep_a=False)
    assert_everyone_reads_and_is_found(admin, people)
    assert type(admin).objects.get(pk=admin.pk).phone == "13700001234"
    assert "全部使用当前密钥" in rotate("--check")


def test_a_rerun_rewrites_nothing_already_under_the_new_key(settings, people, admin):
    switch_to_key_b(settings, keep_a=True)
    rotate()
    before = dict(Person.objects.values_list("pk", "id_number_hash"))

    report = rotate()

    assert "人员：检查 5 条，改写 0 条" in report
    assert dict(Person.objects.values_list("pk", "id_number_hash")) == before


def test_the_rotation_is_in_the_audit_trail_without_personal_data(settings, people, admin):
    switch_to_key_b(settings, keep_a=True)

    rotate()

    entry = AuditEntry.objects.filter(additional_data__event="rotate_field_key").get(
        object_repr__contains="人员"
    )
    assert entry.additional_data["rewritten"] == 5
    assert entry.additional_data["finished"] is True
    assert entry.additional_data["key"] == crypto.configured_key_ids()[0]
    assert not any(p.id_number in str(entry.additional_data) for p in people)


def test_a_number_registered_again_during_rotation_is_refused(settings, people, admin):
    switch_to_key_b(settings, keep_a=True)
    client = client_for(admin)

    response = client.post(
        reverse("person-create"),
        {"name": "重复", "id_number": people[4].id_number, "region": people[4].region.code},
    )

    assert "该身份证号已登记" in response.content.decode()
    assert Person.objects.count() == 5


def test_rows_no_configured_key_can_read_are_reported_not_skipped_silently(settings, people):
    switch_to_key_b(settings, keep_a=False)

    with pytest.raises(CommandError, match="仍有记录需要旧密钥"):
        rotate()


def test_the_audit_page_shows_the_rotation_in_chinese(settings, people, admin):
    switch_to_key_b(settings, keep_a=True)
    rotate()

    page = client_for(admin).get(reverse("audit-list")).content.decode()

    assert "个人信息密钥轮换" in page
    assert "改写：5" in page
    assert "全部完成：是" in page


def test_a_duplicate_that_slipped_in_during_rotation_is_reported_not_overwritten(
    settings, people, admin
):
    switch_to_key_b(settings, keep_a=True)
    # Written past the form (whose check sees both keys), e.g. by a script: the
    # unique index compares hashes, and the old row's hash is under the old key.
    twin = Person.objects.create(
        name="重复登记", id_number=people[0].id_number, region=people[0].region
    )
    out, errors = StringIO(), StringIO()

    with pytest.raises(CommandError, match="仍有记录需要旧密钥"):
        call_command("rotate_field_key", stdout=out, stderr=errors)

    assert f"1 条与另一条记录的号码重复（主键 {people[0].pk}）" in out.getvalue()
    assert f"人员（core.Person）有 1 条仍使用旧密钥（主键 {people[0].pk}）" in errors.getvalue()
    assert Person.objects.get(pk=people[0].pk).id_number == people[0].id_number
    assert Person.objects.get(pk=twin.pk).name == "重复登记"
