"""The audit engine on synthetic claims: every injected violation found, no near miss."""

import csv
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from qinqing.medinsure.audit import DEFAULT_RULES, AuditEngine, AuditInputError, audit_files
from qinqing.medinsure.synthetic import generate


@pytest.fixture(scope="module")
def claims():
    return generate(settlements=400, seed=11)


@pytest.fixture(scope="module")
def files(claims, tmp_path_factory):
    return claims.write(tmp_path_factory.mktemp("claims"), "csv")


@pytest.fixture(scope="module")
def findings(files):
    engine = audit_files(files["catalog"], files["settlements"], files["lines"])
    rows = engine.findings().to_pylist()
    assert engine.problems() == []
    return rows


def keys(rows, rule):
    return {
        (r["rule_id"], r["settlement_id"], r["line_id"] or "") for r in rows if r["rule_id"] == rule
    }


def check_rule(claims, findings, rule):
    expected = {t for t in claims.expected if t[0] == rule}
    near = {t for t in claims.near_misses if t[0] == rule}
    assert expected, "the generator injects this violation"
    assert near, "the generator injects a near miss"
    found = keys(findings, rule)
    assert expected <= found
    assert not (near & found)
    return [r for r in findings if r["rule_id"] == rule]


def test_the_audit_finds_exactly_the_injected_violations_and_nothing_in_the_clean_claims(
    claims, findings
):
    found = {(r["rule_id"], r["settlement_id"], r["line_id"] or "") for r in findings}
    assert found == claims.expected
    assert not (found & claims.near_misses)
    assert {t[0] for t in claims.expected} == {rule.key for rule in DEFAULT_RULES}


def test_an_item_billed_beside_its_package_or_twice_alike_is_a_duplicate_charge(claims, findings):
    rows = check_rule(claims, findings, "duplicate_charge")
    assert any("打包项目" in r["vola_cont"] for r in rows)
    assert any("首条明细" in r["vola_evid"] for r in rows)


def test_a_price_above_the_cap_or_the_procurement_price_is_over_price(claims, findings):
    rows = check_rule(claims, findings, "over_price")
    implant = [r for r in rows if "种植体" in r["vola_cont"]]
    assert implant and "集采中选价900.00元" in implant[0]["vola_cont"]
    assert implant[0]["vola_amt"] == Decimal("600.00")


def test_bed_days_beyond_the_stay_are_over_stay_days_and_a_same_day_stay_counts_one(
    claims, findings
):
    rows = check_rule(claims, findings, "over_stay_days")
    assert {r["vola_amt"] for r in rows} == {Decimal("40.00")}


def test_an_item_limited_to_the_other_gender_is_flagged(claims, findings):
    check_rule(claims, findings, "gender_limit")


def test_age_limits_count_completed_years_on_the_service_date_with_inclusive_bounds(
    claims, findings
):
    rows = check_rule(claims, findings, "age_limit")
    assert any("参保人费用发生日 15 周岁" in r["vola_cont"] for r in rows)
    assert any("参保人费用发生日 59 周岁" in r["vola_cont"] for r in rows)


def test_inpatient_only_items_in_outpatient_care_and_the_reverse_break_the_care_limit(
    claims, findings
):
    rows = check_rule(claims, findings, "care_limit")
    assert {"限住院使用，本次为门诊", "限门诊使用，本次为住院"} <= {
        r["vola_cont"].split("）", 1)[1] for r in rows
    }


def test_every_line_of_a_day_over_the_daily_maximum_is_over_quantity(claims, findings):
    rows = check_rule(claims, findings, "over_quantity")
    assert len(rows) == 2
    assert sum(r["vola_amt"] for r in rows) == Decimal("30.00")  # 2 units of 15 yuan too many


def test_a_readmission_within_fifteen_days_for_the_same_category_is_split_admission(
    claims, findings
):
    rows = check_rule(claims, findings, "split_admission")
    assert all(r["line_id"] is None for r in rows)


def test_a_new_prescription_while_more_than_three_days_of_supply_remain_is_a_repeat(
    claims, findings
):
    rows = check_rule(claims, findings, "repeat_prescription")
    assert any("尚余 15 天" in r["vola_cont"] for r in rows)


def test_rule_parameters_are_data_a_longer_window_catches_the_day_16_readmission(files, claims):
    rules = [
        r.with_params(max_gap_days=16) if r.key == "split_admission" else r for r in DEFAULT_RULES
    ]
    engine = audit_files(files["catalog"], files["settlements"], files["lines"], rules=rules)
    found = keys(engine.findings().to_pylist(), "split_admission")
    near = {t for t in claims.near_misses if t[0] == "split_admission"}
    assert len(found & near) == 1


def test_a_disabled_rule_produces_no_findings(files):
    rules = [r if r.key != "over_price" else r.__class__(**{**r.__dict__, "enabled": False})
             for r in DEFAULT_RULES]  # fmt: skip
    engine = audit_files(files["catalog"], files["settlements"], files["lines"], rules=rules)
    assert not keys(engine.findings().to_pylist(), "over_price")


def test_csv_xlsx_and_parquet_files_give_the_same_findings_file_byte_for_byte(claims, tmp_path):
    outputs = []
    for fmt in ("csv", "xlsx", "parquet"):
        paths = claims.write(tmp_path / fmt, fmt)
        out = tmp_path / f"findings-{fmt}.csv"
        audit_files(paths["catalog"], paths["settlements"], paths["lines"], out=out)
        outputs.append(out.read_bytes())
    again = tmp_path / "again.csv"
    paths = claims.write(tmp_path / "csv", "csv")
    audit_files(paths["catalog"], paths["settlements"], paths["lines"], out=again)
    outputs.append(again.read_bytes())
    assert len(set(outputs)) == 1
    header = outputs[0].decode().splitlines()[0]
    assert (
        header == "rule_id,rule_version,settlement_id,line_id,vola_cont,vola_evid,vola_amt,sev_deg"
    )


def test_malformed_rows_are_reported_by_file_row_and_column_and_kept_out(files, tmp_path):
    lines = files["lines"].read_text().splitlines()
    header = lines[0].split(",")
    broken = lines[1].split(",")
    broken[header.index("service_date")] = "2026-02-30"
    lines[1] = ",".join(broken)
    short = lines[2].split(",")[:3]
    lines[2] = ",".join(short)
    unknown = lines[3].split(",")
    unknown[header.index("settlement_id")] = "S999999999"
    lines[3] = ",".join(unknown)
    path = tmp_path / "lines.csv"
    path.write_text("\n".join(lines) + "\n")
    engine = AuditEngine()
    engine.load_files(files["catalog"], files["settlements"], path)
    assert engine.validate() == 3
    problems = engine.problems()
    assert [(p["file"], p["row"], p["column"]) for p in problems] == [
        ("lines.csv", 2, "service_date"),
        ("lines.csv", 3, "service_date"),
        ("lines.csv", 4, "settlement_id"),
    ]
    assert problems[0]["message"] == "不是有效日期（应为 YYYY-MM-DD）"
    assert problems[1]["message"] == "列数不足"
    assert problems[2]["message"].startswith("结算号在结算文件中不存在")
    total = engine.con.execute("SELECT count(*) FROM lines").fetchall()[0][0]
    assert total == len(lines) - 1 - 3


def test_a_row_after_a_broken_one_keeps_its_own_row_number(files, tmp_path):
    lines = files["lines"].read_text().splitlines()
    lines[2] = "only,three,columns"
    header = lines[0].split(",")
    later = lines[5].split(",")
    later[header.index("quantity")] = "-1"
    lines[5] = ",".join(later)
    path = tmp_path / "lines.csv"
    path.write_text("\n".join(lines) + "\n")
    engine = AuditEngine()
    engine.load_files(files["catalog"], files["settlements"], path)
    engine.validate()
    rows = {(p["row"], p["column"]) for p in engine.problems()}
    assert (6, "quantity") in rows


def test_a_file_missing_a_column_is_refused_naming_the_column(files, tmp_path):
    text = files["catalog"].read_text().replace("max_qty_per_day", "max_qty")
    path = tmp_path / "catalog.csv"
    path.write_text(text)
    engine = AuditEngine()
    with pytest.raises(AuditInputError, match="缺少列 max_qty_per_day"):
        engine.load_files(path, files["settlements"], files["lines"])


def test_overlapping_catalog_versions_of_one_item_are_reported(files, tmp_path):
    rows = list(csv.reader(files["catalog"].open()))
    header = rows[0]
    copy = list(rows[1])
    copy[header.index("valid_from")] = "2021-06-01"
    path = tmp_path / "catalog.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows([*rows, copy])
    engine = AuditEngine()
    engine.load_files(path, files["settlements"], files["lines"])
    engine.validate()
    assert [p["column"] for p in engine.problems()] == ["valid_from"]
    assert "有效期重叠" in engine.problems()[0]["message"]


def test_the_command_writes_findings_in_the_format_of_the_extension(files, claims, tmp_path):
    out = tmp_path / "findings.parquet"
    call_command(
        "audit_claims",
        "--builtin-rules",
        catalog=str(files["catalog"]),
        settlements=str(files["settlements"]),
        lines=str(files["lines"]),
        out=str(out),
    )
    table = pq.read_table(out)
    assert table.num_rows == len(claims.expected)
    assert table.column_names[:3] == ["rule_id", "rule_version", "settlement_id"]


def test_the_command_refuses_an_unknown_output_format(files, tmp_path):
    with pytest.raises(CommandError, match="只支持"):
        call_command(
            "audit_claims",
            "--builtin-rules",
            catalog=str(files["catalog"]),
            settlements=str(files["settlements"]),
            lines=str(files["lines"]),
            out=str(tmp_path / "f.json"),
        )
