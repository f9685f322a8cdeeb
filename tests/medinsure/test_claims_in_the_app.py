"""Claims imported into the app, audited in the worker, checked one by one, reviewed."""

import datetime as dt

import pytest

from qinqing.core.models import AuditEntry
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.medinsure.models import (
    AuditRule,
    ClaimBatch,
    FeeLine,
    Finding,
    JobStatus,
    ReviewStatus,
    Settlement,
)
from qinqing.medinsure.services import (
    check_claim,
    do_review_finding,
    do_save_rule,
    do_start_audit,
    do_start_claim_import,
    store_dir,
)

pytestmark = pytest.mark.django_db(transaction=False)


def import_files(actor, files, name="2026年1月"):
    return do_start_claim_import(
        actor,
        name=name,
        settlements=files["settlements"],
        lines=files["lines"],
        background=False,
    )


def found_keys():
    return set(Finding.objects.values_list("rule_id", "settlement_id", "line_id"))


def test_an_imported_batch_lands_in_the_database_and_the_columnar_store(
    users, catalog, claim_files, small_claims
):
    batch = import_files(users["staff"], claim_files)
    assert batch.status == JobStatus.DONE, batch.error
    assert batch.progress == 100
    assert batch.lines == FeeLine.objects.count() == small_claims.line_count
    assert batch.settlements == Settlement.objects.count()
    assert (store_dir() / "batches" / str(batch.pk) / "lines.parquet").exists()
    assert AuditEntry.objects.filter(additional_data__event="import_claims").exists()


def test_an_audit_run_stores_exactly_the_injected_violations_and_keeps_reviews_on_a_rerun(
    users, catalog, claim_files, small_claims
):
    import_files(users["staff"], claim_files)
    run = do_start_audit(users["staff"], background=False)
    assert run.status == JobStatus.DONE, run.error
    assert run.progress == 100
    assert found_keys() == small_claims.expected
    finding = Finding.objects.filter(rule_id="over_price").first()
    assert finding.institution_code.startswith("H330681")
    do_review_finding(users["staff"], finding, decision=ReviewStatus.CONFIRMED, reason="票据核实")
    again = do_start_audit(users["staff"], background=False)
    assert again.new_findings == 0
    assert again.findings == len(small_claims.expected)
    finding.refresh_from_db()
    assert finding.status == ReviewStatus.CONFIRMED


def test_malformed_rows_of_an_import_are_reported_by_file_row_and_column(
    users, catalog, claim_files
):
    text = claim_files["lines"].read_text().splitlines()
    header = text[0].split(",")
    row = text[4].split(",")
    row[header.index("quantity")] = "abc"
    text[4] = ",".join(row)
    claim_files["lines"].write_text("\n".join(text) + "\n")
    batch = import_files(users["staff"], claim_files)
    assert batch.status == JobStatus.DONE
    assert batch.problems == 1
    problem = batch.problem_sample[0]
    assert (problem["file"], problem["row"], problem["column"]) == ("lines.csv", 5, "quantity")
    assert batch.lines == len(text) - 2


def test_the_same_settlements_imported_twice_are_reported_not_doubled(users, catalog, claim_files):
    first = import_files(users["staff"], claim_files)
    second = import_files(users["staff"], claim_files, name="重复导入")
    assert second.status == JobStatus.DONE
    assert second.settlements == 0 and second.lines == 0
    assert second.problems == first.settlements + first.lines
    messages = {(p["file"], p["message"]) for p in second.problem_sample}
    assert ("settlements.csv", "结算号已在此前的批次中导入") in messages
    assert Settlement.objects.count() == first.settlements


def test_a_resident_may_not_import_claims(users, claim_files):
    with pytest.raises(Forbidden):
        import_files(users["resident"], claim_files)


def test_a_single_claim_is_checked_against_the_patients_history_in_the_database(
    users, catalog, claim_files
):
    import_files(users["staff"], claim_files)
    previous = Settlement.objects.filter(visit_type="inpatient").order_by("settlement_id").first()
    again = previous.discharge_date + dt.timedelta(days=3)
    settlement = {
        "settlement_id": "NEW0001",
        "patient_id": previous.patient_id,
        "gender": previous.gender,
        "birth_date": previous.birth_date.isoformat(),
        "institution_code": previous.institution_code,
        "visit_type": "inpatient",
        "admission_date": again.isoformat(),
        "discharge_date": (again + dt.timedelta(days=2)).isoformat(),
        "diagnosis": previous.diagnosis,
        "total_amount": "80.00",
        "fund_paid": "56.00",
    }
    lines = [
        {
            "line_id": "NEWL1",
            "settlement_id": "NEW0001",
            "item_code": "110300001",
            "service_date": again.isoformat(),
            "quantity": "3",
            "unit_price": "40.00",
            "amount": "120.00",
        }
    ]
    findings, problems = check_claim(settlement, lines)
    assert problems == []
    assert [(f["rule_id"], f["line_id"]) for f in findings] == [
        ("split_admission", None),
        ("over_stay_days", "NEWL1"),
    ] or {f["rule_id"] for f in findings} == {"split_admission", "over_stay_days"}
    assert previous.settlement_id in next(
        f["vola_evid"] for f in findings if f["rule_id"] == "split_admission"
    )
    # the same claim a month later is clean
    later = previous.discharge_date + dt.timedelta(days=40)
    settlement.update(
        admission_date=later.isoformat(), discharge_date=(later + dt.timedelta(days=3)).isoformat()
    )
    lines[0]["service_date"] = later.isoformat()
    findings, problems = check_claim(settlement, lines)
    assert findings == [] and problems == []


def test_a_malformed_single_claim_names_the_column(users, catalog):
    _findings, problems = check_claim(
        {"settlement_id": "X1", "patient_id": "P1", "gender": "X"}, []
    )
    columns = {p["column"] for p in problems}
    assert {"gender", "birth_date", "admission_date"} <= columns


def test_a_finding_is_reviewed_once_with_a_reason(users, catalog, claim_files):
    import_files(users["staff"], claim_files)
    do_start_audit(users["staff"], background=False)
    finding = Finding.objects.first()
    with pytest.raises(InvalidInput, match="复核意见"):
        do_review_finding(users["staff"], finding, decision=ReviewStatus.DISMISSED, reason=" ")
    do_review_finding(users["staff"], finding, decision=ReviewStatus.DISMISSED, reason="已退费")
    with pytest.raises(InvalidInput, match="已复核"):
        do_review_finding(users["staff"], finding, decision=ReviewStatus.CONFIRMED, reason="再看")
    with pytest.raises(Forbidden):
        do_review_finding(users["leader"], finding, decision=ReviewStatus.CONFIRMED, reason="x")


def test_saving_a_rule_makes_a_new_version_that_the_next_run_uses_and_names(
    users, catalog, claim_files, small_claims
):
    import_files(users["staff"], claim_files)
    rule = do_save_rule(users["admin"], "split_admission", params={"max_gap_days": 16})
    assert rule.version == 2
    assert AuditRule.objects.filter(key="split_admission").count() == 2
    do_start_audit(users["staff"], background=False)
    split = Finding.objects.filter(rule_id="split_admission")
    assert set(split.values_list("rule_version", flat=True)) == {2}
    near = {t for t in small_claims.near_misses if t[0] == "split_admission"}
    assert len(near & found_keys()) == 1  # the day-16 readmission
    with pytest.raises(Forbidden):
        do_save_rule(users["staff"], "over_price", enabled=False)


def test_a_batch_is_taken_by_one_worker_only(users, catalog, claim_files):
    from qinqing.medinsure.services import import_claims

    batch = do_start_claim_import(
        users["staff"],
        name="排队",
        settlements=claim_files["settlements"],
        lines=claim_files["lines"],
        background=True,
    )
    assert import_claims(batch.pk) == "done"
    assert import_claims(batch.pk) == "not queued"
    assert ClaimBatch.objects.get(pk=batch.pk).status == JobStatus.DONE
