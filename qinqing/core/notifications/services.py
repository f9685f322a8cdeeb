"""Notification services: store in the inbox, queue pushes, deliver with retries.

``do_notify`` runs inside the caller's transaction, so a message exists exactly
when the change it tells about does; the push is only queued after commit.
Delivery is at least once: a delivery is claimed by one conditional UPDATE, a
failed send is retried with backoff, and a worker that died mid-send is
recovered by ``deliver_due``; gateways deduplicate by ``Idempotency-Key``.
"""

import contextlib
import contextvars
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from qinqing.core import audit
from qinqing.core.masking import mask_text
from qinqing.core.models import Delivery, Notification, NotificationPreference, User
from qinqing.core.models.notifications import DeliveryStatus
from qinqing.core.notifications.channels import DeliveryError, enabled_channels, get_channel
from qinqing.core.notifications.kinds import KINDS
from qinqing.core.notifications.tasks import deliver_notification
from qinqing.core.services import Forbidden, InvalidInput

logger = logging.getLogger("qinqing.notifications")

# Quiet hours are wall-clock times where the users live.
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
MAX_ATTEMPTS = 8
FIRST_RETRY = datetime.timedelta(seconds=30)
LONGEST_RETRY = datetime.timedelta(hours=1)
# A delivery "sending" for this long belongs to a worker that died.
STALE_CLAIM = datetime.timedelta(minutes=10)


# --- writing messages ----------------------------------------------------------


_silenced: contextvars.ContextVar[bool] = contextvars.ContextVar("qinqing_silenced", default=False)


@contextlib.contextmanager
def silenced():
    """Write records without telling anyone: for loading history (the demo, back-filled
    ledgers), where messages about events long past would only be noise."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def do_notify(
    recipients: Iterable[User | None], kind: str, title: str, body: str = "", link: str = ""
) -> list[Notification]:
    """Store a message for each recipient and queue its pushes after commit.

    Recipients who opted out of ``kind`` still get the in-app message; their
    push deliveries are stored as skipped. Within quiet hours the push waits
    until the quiet period ends. Inside ``silenced()`` nothing is written.
    """
    if _silenced.get():
        return []
    if kind not in KINDS:
        logger.warning("未登记的消息类别 %s（请用 register_kind 登记）", kind)
    users = list({user.pk: user for user in recipients if user is not None}.values())
    if not users:
        return []
    channels = enabled_channels()
    now = timezone.now()
    opted_out = set(
        NotificationPreference.objects.filter(
            user__in=users, kind=kind, opted_out=True
        ).values_list("user_id", flat=True)
    )
    notifications, queued = [], []
    with transaction.atomic(savepoint=False):
        for user in users:
            notification = Notification.objects.create(
                recipient=user, kind=kind, title=title[:200], body=body, link=link[:300]
            )
            notifications.append(notification)
            skipped = user.pk in opted_out
            send_at = now if skipped else (quiet_hours_end_after(user, now) or now)
            for channel in channels:
                delivery = Delivery.objects.create(
                    notification=notification,
                    channel=channel,
                    status=DeliveryStatus.SKIPPED if skipped else DeliveryStatus.PENDING,
                    next_attempt_at=send_at,
                )
                if not skipped:
                    queued.append((delivery.pk, send_at))
        if queued:
            # robust: the message is committed; a lost enqueue is picked up by deliver_due.
            transaction.on_commit(partial(_enqueue_all, queued), robust=True)
    return notifications


def quiet_hours_end_after(user: User, now: datetime.datetime) -> datetime.datetime | None:
    """When ``user``'s quiet period ends, if ``now`` falls inside one; else None.

    A period whose start is after its end (22:00–07:00) runs across midnight.
    """
    start, end = user.quiet_hours_start, user.quiet_hours_end
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(LOCAL_TIME)
    clock, today = local.time().replace(tzinfo=None), local.date()
    if start < end:
        inside, end_day = start <= clock < end, today
    elif clock >= start:
        inside, end_day = True, today + datetime.timedelta(days=1)
    else:
        inside, end_day = clock < end, today
    if not inside:
        return None
    return datetime.datetime.combine(end_day, end, tzinfo=LOCAL_TIME)


def mark_read(user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise Forbidden("notification")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


PREFERENCE_LABELS = {
    "opted_out_kinds": "退订的消息",
    "quiet_hours_start": "免打扰开始",
    "quiet_hours_end": "免打扰结束",
}


def opted_out_kinds(user: User) -> set[str]:
    return set(
        NotificationPreference.objects.filter(user=user, opted_out=True).values_list(
            "kind", flat=True
        )
    )


def set_preferences(
    user: User,
    opted_out_kinds: Iterable[str],
    quiet_hours_start: datetime.time | None,
    quiet_hours_end: datetime.time | None,
) -> None:
    """Which kinds ``user`` gets no pushes for, and their quiet hours (both or neither)."""
    opted_out = set(opted_out_kinds)
    errors: dict[str, list[str]] = {}
    unknown = sorted(opted_out - set(KINDS))
    if unknown:
        errors["opted_out_kinds"] = [f"未知的消息类别：{'、'.join(unknown)}"]
    if quiet_hours_start is not None and quiet_hours_end is None:
        errors["quiet_hours_end"] = ["已填写开始时间，请同时填写结束时间"]
    elif quiet_hours_end is not None and quiet_hours_start is None:
        errors["quiet_hours_start"] = ["已填写结束时间，请同时填写开始时间"]
    elif quiet_hours_start is not None and quiet_hours_start == quiet_hours_end:
        errors["quiet_hours_end"] = ["结束时间不能与开始时间相同"]
    if errors:
        raise InvalidInput(errors, PREFERENCE_LABELS)
    with transaction.atomic(), audit.acting_as(user):
        for kind in opted_out:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"opted_out": True}
            )
        NotificationPreference.objects.filter(user=user, kind__in=list(KINDS)).exclude(
            kind__in=opted_out
        ).delete()
        user.quiet_hours_start, user.quiet_hours_end = quiet_hours_start, quiet_hours_end
        user.save(update_fields=["quiet_hours_start", "quiet_hours_end"])


# --- delivering ------------------------------------------------------------------


def retry_delay(attempts: int) -> datetime.timedelta:
    """30 s after the first failed attempt, doubling each time, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def process_delivery(delivery_id: int, now: datetime.datetime | None = None) -> str | None:
    """Send one delivery if it is due; returns its new status, None if not ours to send.

    ``now`` is the moment of this attempt (tests step past a backoff with it).
    """
    now = now or timezone.now()
    # The claim: whoever's UPDATE matches sends; any other worker finds nothing to do.
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    # Our claim still holds only while the row is as we left it (see deliver_due).
    ours = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts
    )
    try:
        get_channel(delivery.channel).send(delivery)
    except ImproperlyConfigured as exc:
        # A channel that is no longer configured will not start working by waiting.
        ours.update(status=DeliveryStatus.FAILED, last_error=str(exc), claimed_at=None)
        logger.error("消息 %s 无法投递：%s", delivery.idempotency_key, exc)
        return DeliveryStatus.FAILED
    except DeliveryError as exc:
        error = mask_text(str(exc))
    except Exception as exc:
        logger.exception("消息 %s 投递时出错", delivery.idempotency_key)
        error = mask_text(f"{type(exc).__name__}: {exc}")
    else:
        ours.update(status=DeliveryStatus.SENT, sent_at=now, claimed_at=None, last_error="")
        return DeliveryStatus.SENT

    if delivery.attempts >= MAX_ATTEMPTS:
        ours.update(status=DeliveryStatus.FAILED, last_error=error, claimed_at=None)
        logger.error(
            "消息 %s 经 %s 投递 %d 次均失败，放弃：%s",
            delivery.idempotency_key,
            delivery.channel,
            delivery.attempts,
            error,
        )
        return DeliveryStatus.FAILED
    retry_at = now + retry_delay(delivery.attempts)
    if ours.update(
        status=DeliveryStatus.PENDING, next_attempt_at=retry_at, last_error=error, claimed_at=None
    ):
        enqueue_delivery(delivery.pk, retry_at)
    logger.warning(
        "消息 %s 经 %s 第 %d 次投递失败，%s 重试：%s",
        delivery.idempotency_key,
        delivery.channel,
        delivery.attempts,
        timezone.localtime(retry_at, LOCAL_TIME).strftime("%H:%M:%S"),
        error,
    )
    return DeliveryStatus.PENDING


def enqueue_delivery(delivery_id: int, run_after: datetime.datetime | None = None) -> None:
    task = deliver_notification
    if run_after is not None and run_after > timezone.now():
        if not task.get_backend().supports_defer:
            return  # this backend can't wait; deliver_due sends it once due
        task = task.using(run_after=run_after)
    task.enqueue(delivery_id)


def _enqueue_all(queued: list[tuple[int, datetime.datetime]]) -> None:
    for delivery_id, run_after in queued:
        enqueue_delivery(delivery_id, run_after)


@dataclass
class SweepResult:
    recovered: int = 0  # interrupted sends put back in the queue
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    enqueued: int = 0


def deliver_due(now: datetime.datetime | None = None, *, enqueue: bool = False) -> SweepResult:
    """Recover interrupted sends and deliver every due delivery (or hand them to workers).

    For cron, and for operators after an outage of a gateway or of the workers.
    """
    now = now or timezone.now()
    result = SweepResult()
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING).filter(
        Q(claimed_at__lt=now - STALE_CLAIM) | Q(claimed_at__isnull=True)
    )
    result.failed += stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=DeliveryStatus.FAILED, claimed_at=None, last_error="发送中断，且已达最大尝试次数"
    )
    result.recovered = stale.update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, claimed_at=None
    )
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    for delivery_id in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True):
        if enqueue:
            enqueue_delivery(delivery_id)
            result.enqueued += 1
            continue
        status = process_delivery(delivery_id, now)
        if status == DeliveryStatus.SENT:
            result.sent += 1
        elif status == DeliveryStatus.PENDING:
            result.retrying += 1
        elif status == DeliveryStatus.FAILED:
            result.failed += 1
    return result
