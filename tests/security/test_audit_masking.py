"""ID and phone numbers typed into free text never reach the audit trail in full."""

import logging

from django.urls import reverse

from qinqing.core.masking import PersonalDataLogFilter, mask_text
from qinqing.core.models import AuditEntry, Enterprise
from tests.conftest import client_for, log_in
from tests.test_pages import enterprise_form, grant_unmasking


def test_an_id_number_typed_as_the_unmask_purpose_is_stored_masked(users, local_person):
    client = client_for(grant_unmasking(users["staff"]))
    other_id = "330702199002031234"

    client.post(
        reverse("person-unmask", args=[local_person.pk]),
        {"purpose": f"核对 {other_id} 和 13812345678 的申请"},
    )

    entry = AuditEntry.objects.get(additional_data__event="unmask")
    assert entry.additional_data["purpose"] == "核对 330702********1234 和 138****5678 的申请"
    admin = client_for(users["admin"])
    for page in (admin.get("/audit/"), admin.get("/api/v1/audit")):
        text = page.content.decode()
        assert "330702********1234" in text
        assert other_id not in text and "13812345678" not in text


def test_numbers_in_a_free_text_field_are_masked_in_the_change_record(users, regions):
    address = "竹马乡 联系 138-1234-5678（身份证 33070219900203123X）"

    client_for(users["admin"]).post(
        reverse("enterprise-create"), enterprise_form(regions, address=address)
    )

    enterprise = Enterprise.objects.get(name="竹马新材料有限公司")
    assert enterprise.address == address  # the record itself keeps what was typed
    entry = AuditEntry.objects.get(object_pk=str(enterprise.pk), content_type__model="enterprise")
    assert entry.changes["address"][1] == "竹马乡 联系 138****5678（身份证 330702********123X）"


def test_a_phone_number_typed_as_a_username_is_masked_in_the_failed_login_entry(db):
    from django.test import Client

    log_in(Client(), "13912345678", "whatever-it-was")

    entry = AuditEntry.objects.get(additional_data__event="login_failed")
    assert entry.additional_data["username"] == "139****5678"
    assert entry.object_repr == "139****5678"


def test_the_log_filter_and_the_audit_trail_share_one_pattern():
    record = logging.LogRecord("x", logging.INFO, "", 0, "来电 138 1234 5678", None, None)
    PersonalDataLogFilter().filter(record)

    assert record.getMessage() == "来电 138****5678" == mask_text("来电 138 1234 5678")


def test_a_credit_code_or_an_order_number_is_not_taken_for_an_id_number():
    # 18 digits whose middle is no birth date: a credit code of digits, an order number.
    assert mask_text("913307020000000011") == "913307020000000011"
    assert mask_text("订单 202611301234567890") == "订单 202611301234567890"
