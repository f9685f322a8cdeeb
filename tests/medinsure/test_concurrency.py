"""One review per finding and one worker per job, however many arrive at once."""

import threading

import pytest
from django.db import connection, connections

from qinqing.core.models import Role
from qinqing.core.services import InvalidInput
from qinqing.medinsure.models import AuditRun, ClaimBatch, Finding, ReviewStatus
from qinqing.medinsure.services import _claim_job, do_review_finding
from tests.conftest import make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def run_together(count, work):
    barrier = threading.Barrier(count)
    outcomes = []

    def one(i):
        try:
            barrier.wait()
            outcomes.append(work(i))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_many_reviewers_at_the_same_instant_leave_exactly_one_review(regions):
    reviewers = [make_user(Role.STAFF, f"reviewer{i}") for i in range(8)]
    run = AuditRun.objects.create(started_by=reviewers[0])
    finding = Finding.objects.create(
        run=run, rule_id="over_price", rule_version=1, settlement_id="S1", line_id="L1",
        institution_code="H1", service_month="2026-06", vola_cont="超限价", vola_evid="L1",
        vola_amt=10, sev_deg="明确",
    )  # fmt: skip

    def review(i):
        copy = Finding.objects.get(pk=finding.pk)
        try:
            do_review_finding(reviewers[i], copy, decision=ReviewStatus.CONFIRMED, reason=f"{i}")
            return "reviewed"
        except InvalidInput:
            return "已复核"

    outcomes = run_together(len(reviewers), review)
    assert sorted(outcomes) == ["reviewed"] + ["已复核"] * 7


def test_many_workers_at_the_same_instant_take_a_batch_once(regions):
    staff = make_user(Role.STAFF, "importer")
    batch = ClaimBatch.objects.create(
        name="并发", settlements_file="s.csv", lines_file="l.csv", created_by=staff
    )
    outcomes = run_together(6, lambda i: _claim_job(ClaimBatch, batch.pk) is not None)
    assert sorted(outcomes) == [False] * 5 + [True]
