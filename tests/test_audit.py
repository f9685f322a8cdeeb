"""The audit trail: every change recorded, personal data masked, nothing editable."""

import pytest
from django.db import connection, transaction

from qinqing.core import services
from qinqing.core.audit import entries_for
from qinqing.core.models import AuditEntry, Enterprise
from qinqing.core.models.audit import AuditEntryIsAppendOnly
from qinqing.core.synthetic import make_credit_code


def enterprise_data(regions, **overrides):
    data = {
        "name": "竹马新材料有限公司",
        "credit_code": make_credit_code("330702", 777),
        "industry_code": "C3021",
        "region": regions["zhuma"].code,
        "land_area_mu": "12.50",
        "employees": "40",
        "above_scale": False,
    }
    return {**data, **overrides}


def test_creating_an_enterprise_records_who_created_it_and_the_values(users, regions):
    staff = users["staff"]
    enterprise = services.do_create_enterprise(staff, enterprise_data(regions))

    entry = entries_for(enterprise).get()
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == staff
    assert entry.changes_dict["name"] == ["None", "竹马新材料有限公司"]


def test_changing_an_enterprise_records_before_and_after(users, regions):
    staff = users["staff"]
    enterprise = services.do_create_enterprise(staff, enterprise_data(regions))
    services.do_update_enterprise(
        staff,
        enterprise,
        enterprise_data(regions, employees="55", credit_code=enterprise.credit_code),
    )

    change = entries_for(enterprise).filter(action=AuditEntry.Action.UPDATE).get()
    assert change.changes_dict["employees"] == ["40", "55"]
    assert change.actor == staff


def test_a_refused_change_leaves_no_record_and_no_audit_entry(users, regions):
    bad = enterprise_data(regions, credit_code="91110000600037341M")
    with pytest.raises(services.InvalidInput) as excinfo:
        services.do_create_enterprise(users["staff"], bad)

    assert excinfo.value.errors["credit_code"] == ["统一社会信用代码校验位错误，应为 L"]
    assert not Enterprise.objects.filter(name="竹马新材料有限公司").exists()
    assert not AuditEntry.objects.filter(object_repr="竹马新材料有限公司").exists()


def test_personal_numbers_are_stored_masked_in_the_audit_trail(users, regions):
    admin = users["admin"]
    person = services.do_create_person(
        admin,
        {
            "name": "张伟",
            "id_number": "11010519491231002X",
            "phone": "138 1234 5678",
            "region": regions["zhuma"].code,
        },
    )

    entry = entries_for(person).get(action=AuditEntry.Action.CREATE)
    assert entry.changes_dict["id_number"][1] == "110105********002X"
    assert entry.changes_dict["phone"][1] == "138****5678"
    assert "11010519491231002X" not in str(entry.changes)
    assert "13812345678" not in str(entry.changes)


def test_personal_numbers_are_encrypted_in_the_database(person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM core_person WHERE id = %s", [person.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert person.id_number not in stored_id
    assert "13812345678" not in stored_phone


def test_unmasking_writes_an_access_entry_naming_the_viewer(users, person):
    admin = users["admin"]
    values = services.reveal_personal_data(admin, person, ["id_number", "phone"], purpose="核对")

    assert values == {"id_number": person.id_number, "phone": "13812345678"}
    entry = entries_for(person).get(action=AuditEntry.Action.ACCESS)
    assert entry.actor == admin
    assert entry.additional_data == {
        "event": "unmask",
        "fields": ["id_number", "phone"],
        "purpose": "核对",
    }


def test_unmasking_without_the_permission_is_refused_and_not_logged_as_viewed(users, person):
    with pytest.raises(services.Forbidden):
        services.reveal_personal_data(users["staff"], person, ["id_number"])
    assert not entries_for(person).filter(action=AuditEntry.Action.ACCESS).exists()


def test_audit_entries_cannot_be_edited_or_deleted_through_the_application(users, person):
    services.reveal_personal_data(users["admin"], person, ["id_number"])
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)

    entry.object_repr = "篡改"
    with pytest.raises(AuditEntryIsAppendOnly):
        entry.save()
    with pytest.raises(AuditEntryIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditEntryIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="篡改")
    with pytest.raises(AuditEntryIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == str(person)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_alter_audit_entries_even_with_raw_sql(users, person):
    services.reveal_personal_data(users["admin"], person, ["id_number"])
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)

    for statement in (
        "UPDATE core_auditentry SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="审计记录只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_site_offers_no_way_to_change_or_delete_entries(users):
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEntry]

    class Request:
        user = users["admin"]

    assert not model_admin.has_change_permission(Request())
    assert not model_admin.has_delete_permission(Request())
    assert not model_admin.has_add_permission(Request())


def test_a_service_called_inside_another_keeps_both_actors(users, regions):
    from qinqing.core.audit import acting_as

    outer, inner = users["admin"], users["staff"]
    with acting_as(outer):
        services.do_create_enterprise(inner, enterprise_data(regions))  # nested acting_as
        enterprise = Enterprise.objects.create(
            name="外层写入",
            credit_code=make_credit_code("330702", 888),
            industry_code="3011",
            region=regions["zhuma"],
        )
    assert entries_for(Enterprise.objects.get(name="竹马新材料有限公司")).get().actor == inner
    assert entries_for(enterprise).get().actor == outer


# --- every model audited or exempted (system check qinqing.A001) --------------------


def test_every_project_model_is_audited_or_exempted_with_a_reason():
    from qinqing.core.checks import check_audit_coverage

    assert check_audit_coverage() == []


def test_a_model_neither_audited_nor_exempted_fails_the_system_check():
    from django.db import models
    from django.test.utils import isolate_apps

    from qinqing.core.checks import check_audit_coverage

    with isolate_apps("qinqing.enterprise"):

        class Unaudited(models.Model):
            class Meta:
                app_label = "enterprise"

            def __str__(self) -> str:
                return "unaudited"

        errors = check_audit_coverage(models=[Unaudited])
    assert [error.id for error in errors] == ["qinqing.A001"]
    assert "enterprise.Unaudited" in errors[0].msg


def test_registering_a_land_parcel_on_the_page_is_audited_with_the_staff_member(
    users, regions, enterprise
):
    from qinqing.enterprise.models import LandParcel
    from tests.conftest import client_for

    response = client_for(users["staff"]).post(
        "/station/land/",
        {
            "name": "竹马乡3号地块",
            "region": regions["zhuma"].code,
            "enterprise": enterprise.pk,
            "area_mu": "12.5",
            "kind": "idle",
            "status": "surveyed",
            "surveyed_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    parcel = LandParcel.objects.get(name="竹马乡3号地块")
    entry = entries_for(parcel).get()
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == users["staff"]
