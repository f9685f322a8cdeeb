"""Notifications: the in-app inbox and the outbox that pushes messages to gateways."""

import datetime
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from qinqing.core.models import Delivery, Notification, Role
from qinqing.core.models.notifications import DeliveryStatus
from qinqing.core.notifications.services import (
    deliver_due,
    do_notify,
    process_delivery,
    set_preferences,
)
from qinqing.core.services import InvalidInput
from tests.conftest import client_for, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13912345678"


class Gateway:
    """A real HTTP server on 127.0.0.1 standing in for an SMS/WeChat gateway.

    It answers with the scripted statuses in turn, then 200, and records each request.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "idempotency_key": self.headers.get("Idempotency-Key"),
                        "payload": json.loads(self.rfile.read(length)),
                    }
                )
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/push"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.QINQING_WEBHOOK_URL = server.url
    settings.QINQING_WEBHOOK_TIMEOUT = 5
    settings.QINQING_NOTIFY_CHANNELS = ["webhook"]
    yield server
    server.stop()


@pytest.fixture
def resident(users):
    user = users["resident"]
    user.phone = PHONE
    user.save()
    return user


def notify(recipients, title="停水通知", kind="system", **kwargs):
    with transaction.atomic():
        return do_notify(
            recipients, kind, title, kwargs.pop("body", "明日 8:00 至 12:00 停水"), **kwargs
        )


def at(hour: int, minute: int = 0, day: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


# --- the inbox --------------------------------------------------------------------


def test_a_message_is_in_the_inbox_and_its_unread_count_in_the_header(resident):
    notify([resident], "停水通知", link="/")
    client = client_for(resident)

    page = client.get("/notifications/").content.decode()

    assert "停水通知" in page and "明日 8:00 至 12:00 停水" in page
    assert '<span class="badge">1</span>' in page
    assert "1 条未读" in page


def test_marking_a_message_read_swaps_its_row_and_updates_the_count(resident):
    first, second = notify([resident], "第一条")[0], notify([resident], "第二条")[0]
    client = client_for(resident)

    answer = client.post(f"/notifications/{first.pk}/read/", headers={"HX-Request": "true"})

    html = answer.content.decode()
    assert html.lstrip().startswith(f'<tr id="notification-{first.pk}"')
    assert "未读</span>" not in html.split("</tr>")[0]
    assert '<span class="badge">1</span>' in html  # the header badge, swapped out of band
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None


def test_mark_all_read_clears_the_badge(resident):
    notify([resident], "第一条")
    notify([resident], "第二条")
    client = client_for(resident)

    page = client.post("/notifications/read-all/", follow=True).content.decode()

    assert "已将 2 条消息标为已读" in page
    assert 'class="badge"' not in page
    assert "没有未读消息" in page


def test_following_a_messages_link_marks_it_read(resident):
    message = notify([resident], "请查看事项", link="/cases/7/")[0]

    answer = client_for(resident).get(f"/notifications/{message.pk}/open/")

    assert answer.status_code == 302 and answer["Location"] == "/cases/7/"
    assert Notification.objects.get(pk=message.pk).read_at is not None


def test_a_link_to_another_site_is_not_followed(resident):
    message = notify([resident], "可疑链接", link="https://example.invalid/login")[0]

    answer = client_for(resident).get(f"/notifications/{message.pk}/open/")

    assert answer["Location"] == "/notifications/"


def test_nobody_reads_or_opens_another_users_message(resident, users):
    message = notify([resident], "私信")[0]
    other = client_for(users["staff"])

    assert other.post(f"/notifications/{message.pk}/read/").status_code == 404
    assert other.get(f"/notifications/{message.pk}/open/").status_code == 404
    assert "私信" not in other.get("/notifications/").content.decode()
    assert Notification.objects.get(pk=message.pk).read_at is None


def test_the_inbox_needs_a_login(db):
    answer = Client().get("/notifications/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


# --- preferences ------------------------------------------------------------------


def test_preferences_page_saves_opt_outs_and_quiet_hours(resident):
    client = client_for(resident)
    assert "导入完成" in client.get("/notifications/preferences/").content.decode()

    answer = client.post(
        "/notifications/preferences/",
        {
            "push_kinds": ["import.finished"],
            "quiet_hours_start": "22:00",
            "quiet_hours_end": "07:00",
        },
        follow=True,
    )

    assert "通知设置已保存" in answer.content.decode()
    resident.refresh_from_db()
    assert resident.quiet_hours_start == datetime.time(22, 0)
    assert resident.quiet_hours_end == datetime.time(7, 0)
    opted_out = set(resident.notification_preferences.values_list("kind", flat=True))
    assert "system" in opted_out and "import.finished" not in opted_out


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("22:00", "", "已填写开始时间，请同时填写结束时间"),
        ("", "07:00", "已填写结束时间，请同时填写开始时间"),
        ("08:00", "08:00", "结束时间不能与开始时间相同"),
        ("25:00", "07:00", "时间格式应为 22:00"),
    ],
)
def test_bad_quiet_hours_are_refused_with_a_chinese_message(resident, start, end, message):
    answer = client_for(resident).post(
        "/notifications/preferences/",
        {"push_kinds": ["system"], "quiet_hours_start": start, "quiet_hours_end": end},
    )

    assert answer.status_code == 200
    assert message in answer.content.decode()
    resident.refresh_from_db()
    assert resident.quiet_hours_start is None and resident.quiet_hours_end is None


def test_opting_out_of_an_unknown_kind_is_refused(resident):
    with pytest.raises(InvalidInput) as refused:
        set_preferences(resident, ["no.such.kind"], None, None)
    assert "未知的消息类别：no.such.kind" in refused.value.summary


# --- queuing with the transaction -------------------------------------------------


def test_nothing_is_stored_or_delivered_when_the_transaction_rolls_back(
    resident, gateway, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        do_notify([resident], "system", "不该发出的消息")
        raise RuntimeError("the business change failed")

    assert callbacks == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    deliver_due()
    assert gateway.requests == []


def test_a_push_is_queued_only_after_commit(resident, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = do_notify([resident], "system", "办结通知", "您的事项已办结")[0]
        assert not DBTaskResult.objects.exists()
    assert len(callbacks) == 1

    queued = DBTaskResult.objects.get()
    delivery = message.deliveries.get()
    assert queued.task_result.args == [delivery.pk]
    queued.task.call(*queued.task_result.args)

    [request] = gateway.requests
    assert request["idempotency_key"] == delivery.idempotency_key
    assert request["payload"]["title"] == "办结通知"
    assert request["payload"]["recipient"] == {"username": "resident1", "phone": PHONE}


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_delivers_a_committed_message(gateway):
    recipient = make_user(Role.RESIDENT, "worker-test", phone=PHONE)
    delivery = notify([recipient], "办结通知")[0].deliveries.get()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0")

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.sent_at is not None
    assert [r["idempotency_key"] for r in gateway.requests] == [delivery.idempotency_key]


# --- delivery and retries ---------------------------------------------------------


def test_a_gateway_that_fails_twice_gets_the_message_exactly_once_with_growing_backoff(
    resident, gateway, django_capture_on_commit_callbacks
):
    gateway.statuses = [503, 503]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notify([resident], "催办通知")[0].deliveries.get()
    start = delivery.next_attempt_at

    assert process_delivery(delivery.pk, start) == DeliveryStatus.PENDING
    first_retry = Delivery.objects.get(pk=delivery.pk)
    assert "503" in first_retry.last_error
    assert process_delivery(delivery.pk, start + datetime.timedelta(seconds=10)) is None  # not due

    assert process_delivery(delivery.pk, first_retry.next_attempt_at) == DeliveryStatus.PENDING
    second_retry = Delivery.objects.get(pk=delivery.pk)
    assert process_delivery(delivery.pk, second_retry.next_attempt_at) == DeliveryStatus.SENT
    assert process_delivery(delivery.pk, second_retry.next_attempt_at) is None

    first_wait = first_retry.next_attempt_at - start
    second_wait = second_retry.next_attempt_at - first_retry.next_attempt_at
    assert datetime.timedelta(0) < first_wait < second_wait
    sent = Delivery.objects.get(pk=delivery.pk)
    assert sent.status == DeliveryStatus.SENT and sent.attempts == 3
    assert len(gateway.requests) == 3
    assert {r["idempotency_key"] for r in gateway.requests} == {delivery.idempotency_key}
    # Each retry was handed to the worker for when it is due.
    retry_times = sorted(r.run_after for r in DBTaskResult.objects.all() if r.run_after.year < 9999)
    assert retry_times == [first_retry.next_attempt_at, second_retry.next_attempt_at]


def test_a_gateway_that_never_answers_ends_in_failed_after_the_last_attempt(resident, settings):
    settings.QINQING_NOTIFY_CHANNELS = ["webhook"]
    settings.QINQING_WEBHOOK_URL = "http://127.0.0.1:9/closed"  # discard port: refused
    delivery = notify([resident], "无法送达")[0].deliveries.get()

    when = delivery.next_attempt_at
    for _ in range(8):
        process_delivery(delivery.pk, when)
        when = Delivery.objects.get(pk=delivery.pk).next_attempt_at

    failed = Delivery.objects.get(pk=delivery.pk)
    assert failed.status == DeliveryStatus.FAILED and failed.attempts == 8
    assert "无法连接网关" in failed.last_error


def test_a_delivery_already_claimed_is_not_sent_again(resident, gateway):
    delivery = notify([resident], "只发一次")[0].deliveries.get()
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, claimed_at=now)

    assert process_delivery(delivery.pk, now) is None
    assert gateway.requests == []


def test_the_sweep_recovers_a_send_whose_worker_died(resident, gateway):
    delivery = notify([resident], "中断后补发")[0].deliveries.get()
    claimed = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=claimed, attempts=1
    )

    assert deliver_due(claimed + datetime.timedelta(minutes=5)).sent == 0
    result = deliver_due(claimed + datetime.timedelta(minutes=11))

    assert (result.recovered, result.sent) == (1, 1)
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
    assert len(gateway.requests) == 1


def test_the_deliver_notifications_command_sends_what_piled_up_during_an_outage(
    resident, gateway, capsys
):
    gateway.statuses = [503, 503]
    for title in ("一", "二"):
        process_delivery(notify([resident], title)[0].deliveries.get().pk)
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2
    Delivery.objects.update(next_attempt_at=timezone.now())  # the backoff has passed

    call_command("deliver_notifications")

    assert "已发送 2 条" in capsys.readouterr().out
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_delivery_send_it_once(gateway):
    recipient = make_user(Role.RESIDENT, "racer", phone=PHONE)
    delivery = notify([recipient], "抢发")[0].deliveries.get()
    workers = 8
    barrier = threading.Barrier(workers)
    outcomes = []

    def work():
        try:
            barrier.wait()
            outcomes.append(process_delivery(delivery.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == [None] * (workers - 1) + [DeliveryStatus.SENT]
    assert len(gateway.requests) == 1


# --- opt-out and quiet hours ------------------------------------------------------


def test_an_opted_out_kind_skips_the_pushes_but_keeps_the_inbox_message(
    resident, gateway, django_capture_on_commit_callbacks
):
    set_preferences(resident, ["system"], None, None)

    with django_capture_on_commit_callbacks(execute=True):
        message = notify([resident], "系统维护")[0]
    deliver_due()

    assert message.deliveries.get().status == DeliveryStatus.SKIPPED
    assert gateway.requests == []
    assert "系统维护" in client_for(resident).get("/notifications/").content.decode()


@pytest.mark.parametrize(
    ("quiet", "now", "send_at"),
    [
        ((datetime.time(12, 0), datetime.time(14, 0)), at(13, 0), at(14, 0)),
        ((datetime.time(22, 0), datetime.time(7, 0)), at(23, 30), at(7, 0, day=11)),
        ((datetime.time(22, 0), datetime.time(7, 0)), at(6, 15), at(7, 0)),
        ((datetime.time(22, 0), datetime.time(7, 0)), at(9, 0), at(9, 0)),
        ((datetime.time(12, 0), datetime.time(14, 0)), at(14, 0), at(14, 0)),
    ],
    ids=["midday", "late-evening", "early-morning", "daytime-not-quiet", "just-ended"],
)
def test_quiet_hours_defer_the_push_to_the_end_of_the_quiet_period(
    resident, gateway, django_capture_on_commit_callbacks, quiet, now, send_at, monkeypatch
):
    set_preferences(resident, [], *quiet)
    monkeypatch.setattr(timezone, "now", lambda: now)

    with django_capture_on_commit_callbacks(execute=True):
        delivery = notify([resident], "夜间消息")[0].deliveries.get()

    assert delivery.next_attempt_at == send_at
    assert process_delivery(delivery.pk, send_at - datetime.timedelta(seconds=1)) is None
    assert process_delivery(delivery.pk, send_at) == DeliveryStatus.SENT
    [task] = DBTaskResult.objects.all()
    deferred = send_at > now
    assert (task.run_after == send_at) is deferred


# --- channels ---------------------------------------------------------------------


def test_the_file_channel_writes_one_json_line_per_delivery(users, resident, settings):
    settings.QINQING_NOTIFY_CHANNELS = ["file"]
    messages = notify([resident, users["staff"]], "导入完成", kind="import.finished")
    deliver_due()

    lines = settings.QINQING_NOTIFY_FILE.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 2
    assert {r["recipient"]["username"] for r in records} == {"resident1", "staff1"}
    assert {r["id"] for r in records} == {m.deliveries.get().pk for m in messages}
    assert all(r["title"] == "导入完成" and r["kind"] == "import.finished" for r in records)
    assert PHONE not in "".join(lines)


def test_logs_never_contain_the_full_phone_number(resident, gateway, settings, caplog):
    settings.QINQING_NOTIFY_CHANNELS = ["console", "webhook"]
    gateway.statuses = [500]
    caplog.set_level(logging.INFO)
    notify([resident], f"请回电 {PHONE}", body=f"联系电话 {PHONE}")

    deliver_due()

    assert "resident1" in caplog.text and "139****5678" in caplog.text
    assert PHONE not in caplog.text
    assert PHONE not in Delivery.objects.get(channel="webhook").last_error
    assert gateway.requests[0]["payload"]["recipient"]["phone"] == PHONE


# --- API --------------------------------------------------------------------------


def test_the_api_lists_only_the_callers_own_messages_and_filters_unread(resident, users):
    read, unread = notify([resident], "已读的")[0], notify([resident], "未读的")[0]
    notify([users["staff"]], "别人的")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client = client_for(resident)

    everything = client.get("/api/v1/notifications").json()
    only_unread = client.get("/api/v1/notifications?unread=true").json()

    assert [n["title"] for n in everything["items"]] == ["未读的", "已读的"]
    assert everything["count"] == 2
    assert [n["id"] for n in only_unread["items"]] == [unread.pk]
    assert only_unread["items"][0]["unread"] is True
    assert only_unread["items"][0]["kind_label"] == "系统通知"


def test_the_api_marks_one_or_all_read_and_answers_404_for_others(resident, users):
    first, second = notify([resident], "一")[0], notify([resident], "二")[0]
    theirs = notify([users["staff"]], "别人的")[0]
    client = client_for(resident)

    one = client.post(f"/api/v1/notifications/{first.pk}/read")
    foreign = client.post(f"/api/v1/notifications/{theirs.pk}/read")
    rest = client.post("/api/v1/notifications/read-all")

    assert one.status_code == 200 and one.json()["unread"] is False
    assert foreign.status_code == 404 and foreign.json()["detail"] == "未找到该记录"
    assert rest.json() == {"marked": 1}
    assert Notification.objects.get(pk=second.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
