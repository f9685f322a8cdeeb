"""Cockpit at ten times the demo: the county leader's page and a service's page, p50/p95.

The demo county is built, then the tables the cockpit reads most — cases, core
visits, 清廉医保 findings, veterans' visits reached — are copied nine more times in
SQL, so the pages compute over ten times the demo's records.
"""

import os

from django.core.management import call_command
from django.db import connection, models
from django.test import Client

from bench.run import percentile, timed
from qinqing.cases.models import Case
from qinqing.core.models import Role, User, Visit

COPIES = 9  # on top of the original: ten times the demo


def _copy(model: type[models.Model], copies: int, text_suffix_fields: set[str]) -> int:
    """Insert ``copies`` more of every row; unique text columns get a suffix."""
    table = model._meta.db_table
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns, values = [], []
    for field in fields:
        column = connection.ops.quote_name(field.column)
        columns.append(column)
        if field.name in text_suffix_fields:
            values.append(f"{column} || '-' || CAST(s.n AS TEXT)")
        else:
            values.append(column)
    if connection.vendor == "postgresql":
        series = f"SELECT g AS n FROM generate_series(1, {copies}) AS g"
    else:
        series = (
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq"
            f" WHERE n < {copies}) SELECT n FROM seq"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM {table} CROSS JOIN ({series}) AS s"
        )
        return cursor.rowcount


def build() -> None:
    os.environ.setdefault("QINQING_DEMO_DATE", "2026-11-01")
    call_command("demo", verbosity=0)
    _copy(Case, COPIES, {"number"})
    _copy(Visit, COPIES, set())
    from qinqing.medinsure.models import Finding

    _copy(Finding, COPIES, {"settlement_id"})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(report) -> None:
    import time

    start = time.perf_counter()
    build()
    report.figure("demo built and copied to ten times", time.perf_counter() - start, "s")
    report.figure("cases", Case.objects.count(), "")
    report.figure("visits", Visit.objects.count(), "")
    leader = User.objects.filter(role=Role.LEADER, is_active=True).first()
    client = Client()
    client.force_login(leader)

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    for label, url in [
        ("leader's cockpit, all time", "/cockpit/"),
        ("leader's cockpit, this year", "/cockpit/?start=2026-01-01&end=2026-11-01"),
        ("enterprise service cockpit", "/cockpit/enterprise/"),
        ("veterans cockpit", "/cockpit/veterans/"),
    ]:
        page(url)
        samples = timed(lambda url=url: page(url), 30)
        report.figure(f"{label} p50", percentile(samples, 50), "ms")
        report.figure(f"{label} p95", percentile(samples, 95), "ms")
