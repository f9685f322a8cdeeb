# ruff: noqa: E501
"""The audit rules (智能审核规则): data, and one set-based SQL statement each.

A rule is data — key, name, legal basis, parameters, severity, enabled,
version — so an administrator changes a parameter or switches a rule off
without touching code, and a finding names the version that produced it. The
SQL of each rule reads the table ``claims`` (every valid fee line with its
settlement and the catalog version in force on its service date) and, for
settlement-level rules, ``settlements``; it yields rows of the findings
columns. None of them loops over lines in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

REGULATION = "《医疗保障基金使用监督管理条例》（国务院令第735号）"
TWO_LIBRARIES = "医保基金智能审核和监控知识库、规则库（两库）"

CLEAR = "明确"
SUSPECT = "可疑"
SEVERITIES = (CLEAR, SUSPECT)


@dataclass(frozen=True)
class Rule:
    key: str
    name: str
    legal_basis: str
    severity: str
    params: dict = field(default_factory=dict)
    enabled: bool = True
    version: int = 1

    def with_params(self, **params) -> Rule:
        return replace(self, params={**self.params, **params})


def _basis(article: str, library_rule: str) -> str:
    return f"{REGULATION}{article}；{TWO_LIBRARIES}：{library_rule}"


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "duplicate_charge",
        "重复收费",
        _basis(
            "第十五条第二款（重复收费）、第三十八条",
            "重复收费规则（打包项目内含项目另行收费；同一项目重复计费）",
        ),
        CLEAR,
    ),
    Rule(
        "over_price",
        "超标准收费",
        _basis(
            "第十五条第二款（超标准收费）、第三十八条",
            "超标准收费规则（超医保支付标准、超集中带量采购中选价格）",
        ),
        CLEAR,
    ),
    Rule(
        "over_stay_days",
        "超住院天数收费",
        _basis(
            "第十五条第二款（超标准收费）、第三十八条",
            "超住院天数规则（床位费、护理费等按日计费项目数量超过住院天数）",
        ),
        CLEAR,
        {"per_day_kinds": ["bed"], "per_day_item_prefixes": ["1102", "1103"]},
    ),
    Rule(
        "gender_limit",
        "限性别用药（诊疗）",
        _basis("第十五条第二款、第三十八条", "限性别规则（项目限定性别与参保人性别不符）"),
        CLEAR,
    ),
    Rule(
        "age_limit",
        "限年龄用药（诊疗）",
        _basis("第十五条第二款、第三十八条", "限年龄规则（按费用发生日的周岁计算，上下限含本数）"),
        SUSPECT,
    ),
    Rule(
        "care_limit",
        "限就医类型",
        _basis(
            "第十五条第二款、第三十八条",
            "限住院/限门诊规则（限住院项目门诊收费，或限门诊项目住院收费）",
        ),
        SUSPECT,
    ),
    Rule(
        "over_quantity",
        "超量收费",
        _basis(
            "第十五条第二款（超标准收费）、第三十八条",
            "超每日最大数量规则（同一结算同一项目同日数量超过每日最大数量）",
        ),
        CLEAR,
    ),
    Rule(
        "split_admission",
        "分解住院",
        _basis(
            "第十五条第二款（分解住院）、第三十八条",
            "分解住院规则（出院后短期内以同一疾病再次入院；放化疗Z51除外）",
        ),
        SUSPECT,
        {"max_gap_days": 15, "excluded_prefixes": ["Z51"]},
    ),
    Rule(
        "repeat_prescription",
        "重复开药",
        _basis(
            "第十五条第二款（超量开药、重复开药）、第三十八条",
            "重复开药规则（前次所开药品尚未用完又在其他结算中开具同一药品）",
        ),
        SUSPECT,
        {"overlap_days": 3},
    ),
)

RULE_KEYS = tuple(rule.key for rule in DEFAULT_RULES)


def _text(value) -> str:
    return str(value).replace("'", "''")


def _list(values) -> str:
    return "[" + ", ".join(f"'{_text(v)}'" for v in values) + "]"


def _money(expr: str) -> str:
    return f"CAST(round({expr}, 2) AS DECIMAL(18,2))"


def _yuan(expr: str) -> str:
    return f"printf('%.2f', CAST({expr} AS DOUBLE))"


def sql_for(rule: Rule) -> str:
    """One SELECT yielding (settlement_id, line_id, vola_cont, vola_evid, vola_amt)."""
    p = rule.params
    if rule.key == "duplicate_charge":
        return """
        WITH packaged AS (
            SELECT x.line_id, x.settlement_id, x.amount, x.item_code, x.item_name, x.included_in,
                   string_agg(y.line_id, ',' ORDER BY y.line_id) AS package_lines
            FROM claims x JOIN claims y
              ON y.patient_id = x.patient_id AND y.service_date = x.service_date
             AND y.item_code = x.included_in
            WHERE x.included_in IS NOT NULL
            GROUP BY ALL
        ), repeated AS (
            SELECT line_id, settlement_id, amount, item_code, item_name,
                   first_value(line_id) OVER w AS first_line, row_number() OVER w AS n
            FROM claims
            WINDOW w AS (PARTITION BY settlement_id, item_code, service_date, quantity ORDER BY line_id)
        )
        SELECT settlement_id, line_id,
               '项目' || item_code || '（' || item_name || '）已包含在同日收费的打包项目'
                 || included_in || '中，不得另行收费' AS vola_cont,
               '违规明细 ' || line_id || '；打包项目明细 ' || package_lines AS vola_evid,
               amount AS vola_amt
        FROM packaged
        UNION ALL
        SELECT settlement_id, line_id,
               '项目' || item_code || '（' || item_name || '）在同一结算同日以相同数量重复收费' AS vola_cont,
               '重复明细 ' || line_id || '；首条明细 ' || first_line AS vola_evid,
               amount AS vola_amt
        FROM repeated WHERE n > 1 AND line_id NOT IN (SELECT line_id FROM packaged)
        """
    if rule.key == "over_price":
        limit = "least(price_cap, coalesce(procurement_price, price_cap))"
        return f"""
        SELECT settlement_id, line_id,
               '项目' || item_code || '（' || item_name || '）单价' || {_yuan("unit_price")} || '元超过'
                 || CASE WHEN procurement_price IS NOT NULL AND procurement_price < price_cap
                         THEN '集采中选价' || {_yuan("procurement_price")}
                         ELSE '限价' || {_yuan("price_cap")} END || '元' AS vola_cont,
               '明细 ' || line_id || '：数量 ' || CAST(quantity AS DOUBLE) || '，单价 '
                 || {_yuan("unit_price")} || '，金额 ' || {_yuan("amount")} AS vola_evid,
               {_money(f"least(amount, (unit_price - {limit}) * quantity)")} AS vola_amt
        FROM claims WHERE unit_price > {limit}
        """
    if rule.key == "over_stay_days":
        kinds = _list(p.get("per_day_kinds", []))
        prefixes = _list(p.get("per_day_item_prefixes", []))
        return f"""
        WITH per_day AS (
            SELECT *, greatest(1, date_diff('day', admission_date, discharge_date)) AS stay,
                   sum(quantity) OVER (PARTITION BY settlement_id, item_code
                                       ORDER BY service_date, line_id) AS running,
                   sum(quantity) OVER (PARTITION BY settlement_id, item_code) AS total,
                   string_agg(line_id, ',') OVER (PARTITION BY settlement_id, item_code
                       ORDER BY line_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                     AS item_lines
            FROM claims
            WHERE discharge_date IS NOT NULL
              AND (list_contains({kinds}, kind)
                   OR len(list_filter({prefixes}, lambda p: starts_with(item_code, p))) > 0)
        )
        SELECT settlement_id, line_id,
               '按日计费项目' || item_code || '（' || item_name || '）合计数量 ' || CAST(total AS DOUBLE)
                 || ' 超过住院天数 ' || stay || ' 天' AS vola_cont,
               '本项目明细 ' || item_lines || '；入院 ' || admission_date || '，出院 '
                 || discharge_date AS vola_evid,
               {_money("least(quantity, running - stay) * unit_price")} AS vola_amt
        FROM per_day WHERE total > stay AND running > stay
        """
    if rule.key == "gender_limit":
        return f"""
        SELECT settlement_id, line_id,
               '项目' || item_code || '（' || item_name || '）限'
                 || CASE gender_limit WHEN 'M' THEN '男' ELSE '女' END || '性使用，参保人性别为'
                 || CASE gender WHEN 'M' THEN '男' ELSE '女' END AS vola_cont,
               '明细 ' || line_id || '，金额 ' || {_yuan("amount")} AS vola_evid,
               amount AS vola_amt
        FROM claims WHERE gender_limit IS NOT NULL AND gender <> gender_limit
        """
    if rule.key == "age_limit":
        age = (
            "(year(service_date) - year(birth_date) - CASE WHEN month(service_date) * 100 + "
            "day(service_date) < month(birth_date) * 100 + day(birth_date) THEN 1 ELSE 0 END)"
        )
        return f"""
        SELECT settlement_id, line_id,
               '项目' || item_code || '（' || item_name || '）限 '
                 || coalesce(CAST(min_age AS VARCHAR), '0') || '–'
                 || coalesce(CAST(max_age AS VARCHAR), '不限') || ' 周岁使用，参保人费用发生日 '
                 || {age} || ' 周岁' AS vola_cont,
               '明细 ' || line_id || '；出生 ' || birth_date || '，费用发生 ' || service_date AS vola_evid,
               amount AS vola_amt
        FROM claims
        WHERE (min_age IS NOT NULL AND {age} < min_age) OR (max_age IS NOT NULL AND {age} > max_age)
        """
    if rule.key == "care_limit":
        return f"""
        SELECT settlement_id, line_id,
               '项目' || item_code || '（' || item_name || '）限'
                 || CASE care_limit WHEN 'inpatient' THEN '住院' ELSE '门诊' END || '使用，本次为'
                 || CASE visit_type WHEN 'inpatient' THEN '住院' ELSE '门诊' END AS vola_cont,
               '明细 ' || line_id || '，金额 ' || {_yuan("amount")} AS vola_evid,
               amount AS vola_amt
        FROM claims WHERE care_limit IS NOT NULL AND care_limit <> visit_type
        """
    if rule.key == "over_quantity":
        return f"""
        WITH daily AS (
            SELECT *, sum(quantity) OVER g AS day_total,
                   string_agg(line_id, ',') OVER (PARTITION BY settlement_id, item_code, service_date
                       ORDER BY line_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                     AS day_lines
            FROM claims WHERE max_qty_per_day IS NOT NULL
            WINDOW g AS (PARTITION BY settlement_id, item_code, service_date)
        )
        SELECT settlement_id, line_id,
               '项目' || item_code || '（' || item_name || '）' || service_date || ' 当日数量 '
                 || CAST(day_total AS DOUBLE) || ' 超过每日最大数量 '
                 || CAST(max_qty_per_day AS DOUBLE) AS vola_cont,
               '同日明细 ' || day_lines AS vola_evid,
               {_money("amount * (day_total - max_qty_per_day) / day_total")} AS vola_amt
        FROM daily WHERE day_total > max_qty_per_day
        """
    if rule.key == "split_admission":
        gap = int(p.get("max_gap_days", 15))
        excluded = _list(p.get("excluded_prefixes", []))
        category = "upper(left(replace(diagnosis, '.', ''), 3))"
        return f"""
        WITH stays AS (
            SELECT settlement_id, patient_id, admission_date, discharge_date, fund_paid,
                   {category} AS category, diagnosis,
                   lag(discharge_date) OVER w AS prev_discharge,
                   lag(settlement_id) OVER w AS prev_settlement
            FROM settlements
            WHERE visit_type = 'inpatient'
              AND len(list_filter({excluded}, lambda p: starts_with({category}, p))) = 0
            WINDOW w AS (PARTITION BY patient_id, {category}
                         ORDER BY admission_date, discharge_date, settlement_id)
        )
        SELECT settlement_id, NULL AS line_id,
               '出院后 ' || date_diff('day', prev_discharge, admission_date)
                 || ' 天内以同一疾病类目 ' || category || ' 再次入院，疑似分解住院' AS vola_cont,
               '前次结算 ' || prev_settlement || '（出院 ' || prev_discharge || '）；本次结算 '
                 || settlement_id || '（入院 ' || admission_date || '，诊断 ' || diagnosis || '）'
                 AS vola_evid,
               fund_paid AS vola_amt
        FROM stays
        WHERE prev_discharge IS NOT NULL
          AND date_diff('day', prev_discharge, admission_date) BETWEEN 0 AND {gap}
        """
    if rule.key == "repeat_prescription":
        overlap = int(p.get("overlap_days", 3))
        return f"""
        WITH supplies AS (
            SELECT patient_id, item_code, settlement_id,
                   min(service_date) AS first_day,
                   max(service_date + CAST(ceil(quantity * days_supply_per_unit) AS INTEGER)) AS supply_end
            FROM claims WHERE kind = 'drug' AND days_supply_per_unit IS NOT NULL
            GROUP BY ALL
        ), previous AS (
            SELECT *, max(supply_end) OVER w AS prev_end,
                   arg_max(settlement_id, supply_end) OVER w AS prev_settlement
            FROM supplies
            WINDOW w AS (PARTITION BY patient_id, item_code ORDER BY first_day, settlement_id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        ), flagged AS (
            SELECT c.*, v.prev_end, v.prev_settlement,
                   date_diff('day', c.service_date, v.prev_end) AS remaining
            FROM claims c JOIN previous v USING (patient_id, item_code, settlement_id)
            WHERE v.prev_end IS NOT NULL AND c.kind = 'drug' AND c.days_supply_per_unit IS NOT NULL
        )
        SELECT settlement_id, line_id,
               '药品' || item_code || '（' || item_name || '）前次所开药量可用至 ' || prev_end
                 || '，' || service_date || ' 再次开具时尚余 ' || remaining || ' 天（允许 {overlap} 天）'
                 AS vola_cont,
               '本次明细 ' || line_id || '；前次结算 ' || prev_settlement AS vola_evid,
               {_money("amount * least(1, remaining / greatest(quantity * days_supply_per_unit, 1))")}
                 AS vola_amt
        FROM flagged WHERE remaining > {overlap}
        """
    raise KeyError(rule.key)
