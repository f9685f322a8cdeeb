"""Cockpit at ten times the demo: the county leader's page and each service's page, p50/p95.

The demo county is built, then the records the cockpit counts most — cases,
with the enterprise problems and micro-wishes behind them, core visits with the
veterans' visits reached, and 清廉医保 findings — are copied nine more times in
SQL, so the pages compute over ten times the demo's records. Stock (stations,
workstations, projects, the 优待金 list) stays as the demo has it.
"""

import os

from django.core.management import call_command
from django.db import connection, models
from django.db.models import Max
from django.test import Client

from bench.run import percentile, timed
from qinqing.cases.models import Case
from qinqing.core.models import Role, User, Visit

COPIES = 9  # on top of the original: ten times the demo


def _series(copies: int) -> str:
    if connection.vendor == "postgresql":
        return f"SELECT g AS n FROM generate_series(1, {copies}) AS g"
    return (
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq"
        f" WHERE n < {copies}) SELECT n FROM seq"
    )


def _copy(model: type[models.Model], spans: dict, suffixed=(), follows=None) -> int:
    """Insert COPIES more of every row of ``model``.

    The n-th copy of a row gets the id ``id + n × span`` (span: the largest id
    before copying), so a child copied after its parent (``follows``: foreign key
    field → parent model) points at the n-th copy of its own parent. Unique text
    columns (``suffixed``) get "-n" appended.
    """
    table, quote = model._meta.db_table, connection.ops.quote_name
    spans[model] = model.objects.aggregate(m=Max("pk"))["m"] or 0
    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = quote(field.column)
        columns.append(column)
        if field.primary_key:
            values.append(f"{column} + s.n * {spans[model]}")
        elif field.name in suffixed:
            values.append(f"{column} || '-' || CAST(s.n AS TEXT)")
        elif follows and field.name in follows:
            values.append(f"{column} + s.n * {spans[follows[field.name]]}")
        else:
            values.append(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM {table} CROSS JOIN ({_series(COPIES)}) AS s"
        )
        copied = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    return copied


def build() -> None:
    from qinqing.enterprise.models import Problem
    from qinqing.medinsure.models import Finding
    from qinqing.veterans.models import VisitReach, Wish

    os.environ.setdefault("QINQING_DEMO_DATE", "2026-11-01")
    call_command("demo", verbosity=0)
    spans: dict = {}
    _copy(Case, spans, suffixed={"number"})
    _copy(Problem, spans, follows={"case": Case})
    _copy(Wish, spans, follows={"case": Case})
    _copy(Visit, spans)
    _copy(VisitReach, spans, follows={"visit": Visit})
    _copy(Finding, spans, suffixed={"settlement_id"})
    if connection.vendor == "postgresql":
        # What autovacuum does on a live server after a bulk load: statistics, and
        # the visibility map that lets a count read an index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


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

    pages = [
        ("leader's cockpit, all time", "/cockpit/"),
        ("leader's cockpit, this year", "/cockpit/?start=2026-01-01&end=2026-11-01"),
        ("leader's wall (big screen)", "/cockpit/?screen=1"),
    ]
    pages += [
        (f"{module} cockpit", f"/cockpit/{module}/")
        for module in ("talent", "workspace", "veterans", "enterprise", "investment", "medinsure")
    ]
    for label, url in pages:
        page(url)
        samples = timed(lambda url=url: page(url), 30)
        report.figure(f"{label} p50", percentile(samples, 50), "ms")
        report.figure(f"{label} p95", percentile(samples, 95), "ms")
