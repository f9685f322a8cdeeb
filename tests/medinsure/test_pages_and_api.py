"""The reviewer's, the department's and the leader's pages, and the API."""

import io
import json

import pytest
from openpyxl import load_workbook

from qinqing.medinsure.models import ClaimBatch, Finding, JobStatus, ReviewStatus
from qinqing.medinsure.services import do_start_audit, do_start_claim_import, import_claims
from tests.conftest import client_for

API = "/api/v1"


@pytest.fixture
def audited(users, catalog, claim_files):
    do_start_claim_import(
        users["staff"],
        name="2026年",
        settlements=claim_files["settlements"],
        lines=claim_files["lines"],
        background=False,
    )
    do_start_audit(users["staff"], background=False)
    return Finding.objects.count()


def test_the_review_queue_puts_clear_and_costly_findings_first_and_exports_them(users, audited):
    client = client_for(users["staff"])
    page = client.get("/medinsure/findings/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"共 {audited} 条" in text
    first = text.index("种植体")  # the 600-yuan implant over its 集采 price
    assert first < text.index("疑似分解住院")  # 明确 before 可疑
    export = client.get("/medinsure/findings/?rule=over_price&export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "规则"
    assert len(rows) - 1 == Finding.objects.filter(rule_id="over_price").count()


def test_high_value_and_sample_selections_list_subsets_of_the_queue(users, audited):
    client = client_for(users["staff"])
    high = client.get(f"{API}/medinsure/findings?selection=high_value").json()
    assert high["count"] >= 1
    assert all(float(f["vola_amt"]) >= 500 for f in high["items"])
    sample = client.get(f"{API}/medinsure/findings?selection=sample").json()
    assert sample["count"] < audited
    bad = client.get(f"{API}/medinsure/findings?month=2026-1")
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("月份")


def test_a_reviewer_confirms_a_finding_from_the_queue_with_a_reason(users, audited):
    finding = Finding.objects.filter(rule_id="gender_limit").first()
    client = client_for(users["staff"])
    answer = client.post(
        f"/medinsure/findings/{finding.pk}/review/",
        {"decision": "confirmed", "reason": "病历核实为男性"},
    )
    assert answer.status_code == 302
    finding.refresh_from_db()
    assert finding.status == ReviewStatus.CONFIRMED
    assert finding.reviewed_by == users["staff"]


def test_the_cockpit_counts_from_the_records_and_links_each_figure_to_its_rows(users, audited):
    client = client_for(users["leader"])
    text = client.get("/medinsure/").content.decode()
    assert "清廉医保驾驶舱" in text
    assert "/medinsure/findings/?rule=over_price" in text
    assert "84.5%（达到45%以上）" in text  # implant 5800 → 900
    over_price = Finding.objects.filter(rule_id="over_price").count()
    assert f"超标准收费：{over_price} 条" in text


def test_a_leader_sees_but_may_not_review_and_a_resident_sees_nothing(users, audited):
    finding = Finding.objects.first()
    leader = client_for(users["leader"])
    assert leader.get("/medinsure/findings/").status_code == 200
    leader.post(
        f"/medinsure/findings/{finding.pk}/review/", {"decision": "confirmed", "reason": "x"}
    )
    finding.refresh_from_db()
    assert finding.status == ReviewStatus.PENDING
    resident = client_for(users["resident"])
    assert resident.get("/medinsure/findings/").status_code == 403
    assert resident.get(f"{API}/medinsure/findings").status_code == 403


def test_uploading_two_files_queues_a_batch_that_the_worker_imports(users, catalog, claim_files):
    client = client_for(users["staff"])
    with claim_files["settlements"].open("rb") as s, claim_files["lines"].open("rb") as lines:
        answer = client.post(
            "/medinsure/batches/upload/", {"name": "一月", "settlements": s, "lines": lines}
        )
    assert answer.status_code == 302
    batch = ClaimBatch.objects.get(name="一月")
    assert batch.status == JobStatus.QUEUED
    page = client.get("/medinsure/batches/").content.decode()
    assert 'http-equiv="refresh"' in page
    assert import_claims(batch.pk) == "done"
    status = client.get(f"{API}/medinsure/imports/{batch.pk}").json()
    assert status["status"] == "done" and status["progress"] == 100


def claim_body(**settlement):
    body = {
        "settlement": {
            "settlement_id": "API001",
            "patient_id": "P-API-1",
            "gender": "M",
            "birth_date": "1980-05-01",
            "institution_code": "H33068100001",
            "visit_type": "outpatient",
            "admission_date": "2026-06-01",
            "discharge_date": "2026-06-01",
            "diagnosis": "N40",
            "total_amount": "120.00",
            "fund_paid": "84.00",
            **settlement,
        },
        "lines": [
            {
                "line_id": "APIL1",
                "item_code": "F01",
                "service_date": "2026-06-01",
                "quantity": "1",
                "unit_price": "120.00",
                "amount": "120.00",
            }
        ],
    }
    return json.dumps(body)


def test_the_single_claim_check_answers_findings_in_the_national_fields(users, catalog):
    client = client_for(users["staff"])
    answer = client.post(f"{API}/medinsure/check", claim_body(), content_type="application/json")
    assert answer.status_code == 200, answer.content
    findings = answer.json()["findings"]
    assert [(f["rule_id"], f["line_id"], f["sev_deg"]) for f in findings] == [
        ("gender_limit", "APIL1", "明确")
    ]
    assert set(findings[0]) >= {"vola_cont", "vola_evid", "vola_amt"}


def test_a_malformed_claim_is_refused_naming_the_field_in_chinese(users, catalog):
    client = client_for(users["staff"])
    answer = client.post(
        f"{API}/medinsure/check",
        claim_body(birth_date="1980-13-01"),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["errors"]["settlement.birth_date"] == ["不是有效日期（应为 YYYY-MM-DD）"]


def test_the_catalog_api_lists_every_version_of_an_item(users, catalog):
    client = client_for(users["staff"])
    rows = client.get(f"{API}/medinsure/catalog?item_code=IMPLANT").json()["items"]
    assert [(r["price_cap"], r["procurement_price"]) for r in rows] == [
        ("5800.00", None),
        ("1850.00", "900.00"),
    ]
