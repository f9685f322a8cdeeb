"""Pushes follow the 2022 algorithm-recommendation provisions: consent first, one message a
day, quiet hours, never a posting twice, never a dismissed one, a plain mode, one-tap off."""

import datetime

import pytest
from django.db import connection

from qinqing.core.models import Notification
from qinqing.talent import services
from qinqing.talent.models import PushLog, Recommendation
from tests.talent.conftest import NOW, make_world, publish

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL"
)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def consent(talent, regions, **overrides):
    data = {"consent": True, "mode": "personalised", "quiet_start": "21:00", "quiet_end": "08:00"}
    data.update(overrides)
    return services.do_set_push(talent["seeker"], data, now=NOW)


def pushes(talent):
    return Notification.objects.filter(recipient=talent["seeker"], kind="talent.push")


def test_nothing_is_pushed_without_consent(talent, regions, profile):
    publish(talent, regions)
    assert services.do_push_recommendations(NOW) == 0
    assert not pushes(talent).exists()


def test_at_most_one_message_a_day_and_never_the_same_posting_twice(talent, regions, profile):
    first = publish(talent, regions)
    consent(talent, regions)
    assert services.do_push_recommendations(NOW) == 1
    assert first.title in pushes(talent).get().body
    second = publish(talent, regions, title="设备工程师")
    assert services.do_push_recommendations(NOW + 3 * HOUR) == 0  # the same day
    assert pushes(talent).count() == 1
    assert services.do_push_recommendations(NOW + DAY) == 1
    latest = pushes(talent).order_by("-pk").first()
    assert second.title in latest.body and first.title not in latest.body
    # Nothing new on the third day: no message rather than a repeat.
    assert services.do_push_recommendations(NOW + 2 * DAY) == 0
    assert Recommendation.objects.filter(profile=profile).count() == 2


def test_quiet_hours_hold_the_push_until_they_end(talent, regions, profile):
    publish(talent, regions)
    consent(talent, regions, quiet_start="09:00", quiet_end="12:00")  # NOW is 10:00
    assert services.do_push_recommendations(NOW) == 0
    assert services.do_push_recommendations(NOW + 2 * HOUR) == 1


def test_a_dismissed_posting_is_never_pushed(talent, regions, profile):
    dismissed = publish(talent, regions)
    services.do_feedback(talent["seeker"], dismissed, "unsuitable")
    consent(talent, regions)
    assert services.do_push_recommendations(NOW) == 0
    kept = publish(talent, regions, title="测试工程师")
    assert services.do_push_recommendations(NOW) == 1
    assert kept.title in pushes(talent).get().body
    shown = [r["posting"] for r in services.recommendations_for(profile, now=NOW)]
    assert dismissed not in shown


def test_the_plain_mode_sends_the_newest_postings_matching_the_seekers_filters(
    talent, regions, profile
):
    publish(talent, regions, title="老岗位", salary_min=5000, salary_max=7000)
    wanted = publish(talent, regions, title="新岗位", now=NOW + HOUR)
    consent(talent, regions, mode="plain", filter_salary_min=8000)
    assert services.do_push_recommendations(NOW + 2 * HOUR) == 1
    body = pushes(talent).get().body
    assert wanted.title in body and "老岗位" not in body
    assert not Recommendation.objects.get(posting=wanted).personalised


def test_one_tap_opt_out_stops_every_push(talent, regions, profile):
    publish(talent, regions)
    consent(talent, regions)
    services.do_opt_out(talent["seeker"], now=NOW)
    assert services.do_push_recommendations(NOW) == 0
    assert not PushLog.objects.exists()


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_push_runs_at_once_send_one_message(regions, users, enterprise, other_enterprise):
    import threading

    from django.db import connections

    world = make_world(users, regions, other_enterprise)
    services.do_save_profile(world["seeker"], {"education": "本科", "skills": "封测"})
    publish(world, regions)
    consent(world, regions)
    barrier = threading.Barrier(2)
    sent = []

    def run():
        try:
            barrier.wait()
            sent.append(services.do_push_recommendations(NOW))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == [0, 1]
    assert pushes(world).count() == 1 and PushLog.objects.count() == 1
