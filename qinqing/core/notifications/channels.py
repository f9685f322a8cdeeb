"""Push channels: each sends one ``Delivery`` or raises ``DeliveryError``.

Channels are chosen by name in ``QINQING_NOTIFY_CHANNELS``. A channel must not
write a full phone number anywhere but to the gateway that needs it.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from qinqing.core.masking import mask_phone, mask_text
from qinqing.core.models import Delivery

logger = logging.getLogger("qinqing.notifications")


class DeliveryError(Exception):
    """The channel could not deliver now; the delivery is retried later."""


class Channel:
    name = ""

    def send(self, delivery: Delivery) -> None:
        raise NotImplementedError


def message_of(delivery: Delivery, *, full_phone: bool = False) -> dict:
    """What a channel passes on: the notification and who receives it."""
    notification = delivery.notification
    recipient = notification.recipient
    return {
        "id": delivery.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": notification.created_at.isoformat(),
        "recipient": {
            "username": recipient.username,
            "phone": recipient.phone if full_phone else mask_phone(recipient.phone),
        },
    }


class ConsoleChannel(Channel):
    """One log line per delivery: for development and as a trace in production."""

    name = "console"

    def send(self, delivery: Delivery) -> None:
        message = message_of(delivery)
        recipient = message["recipient"]
        line = (
            f"消息 {delivery.idempotency_key} [{message['kind']}] → "
            f"{recipient['username']} {recipient['phone'] or '-'}：{message['title']}"
        )
        # The phone is masked already; the title is free text and may hold one too.
        logger.info("%s", mask_text(line))


class FileChannel(Channel):
    """Appends one JSON line per delivery to ``QINQING_NOTIFY_FILE`` (phone masked)."""

    name = "file"

    def send(self, delivery: Delivery) -> None:
        record = message_of(delivery)
        record["title"], record["body"] = mask_text(record["title"]), mask_text(record["body"])
        record["sent_at"] = timezone.now().isoformat()
        line = json.dumps(record, ensure_ascii=False) + "\n"
        try:
            path = settings.QINQING_NOTIFY_FILE
            path.parent.mkdir(parents=True, exist_ok=True)
            # One write of one line in append mode: lines of parallel workers don't interleave.
            with open(path, "a", encoding="utf-8") as file:
                file.write(line)
        except OSError as exc:
            raise DeliveryError(f"写入消息文件失败：{exc}") from exc


class WebhookChannel(Channel):
    """POSTs JSON to the gateway (SMS, WeChat …) at ``QINQING_WEBHOOK_URL``.

    The gateway gets the full phone number, which it needs to reach the person.
    ``Idempotency-Key`` stays the same on every retry of a delivery, so a gateway
    that answered too late for us to see still sends only once.
    """

    name = "webhook"

    def send(self, delivery: Delivery) -> None:
        url = settings.QINQING_WEBHOOK_URL
        if not url.startswith(("http://", "https://")):
            raise DeliveryError("未配置有效的 QINQING_WEBHOOK_URL")
        request = urllib.request.Request(
            url,
            data=json.dumps(message_of(delivery, full_phone=True), ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": delivery.idempotency_key,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.QINQING_WEBHOOK_TIMEOUT) as r:
                status = r.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"网关返回 HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"无法连接网关：{reason}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"网关返回 HTTP {status}")


CHANNELS: dict[str, type[Channel]] = {
    channel.name: channel for channel in (ConsoleChannel, FileChannel, WebhookChannel)
}


def get_channel(name: str) -> Channel:
    try:
        return CHANNELS[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"未知的消息渠道 {name!r}（可选：{', '.join(CHANNELS)}）"
        ) from None


def enabled_channels() -> list[str]:
    """The configured channels that exist, in order, without repeats.

    A misspelt name is logged rather than raised: it must not stop the
    business action that is notifying.
    """
    names = list(dict.fromkeys(settings.QINQING_NOTIFY_CHANNELS))
    for name in names:
        if name not in CHANNELS:
            logger.error("QINQING_NOTIFY_CHANNELS 中的渠道 %r 不存在，已忽略", name)
    return [name for name in names if name in CHANNELS]
