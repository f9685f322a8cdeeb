"""The background task that delivers one notification on one channel."""

from django_tasks import task


@task()
def deliver_notification(delivery_id: int) -> str | None:
    from qinqing.core.notifications.services import process_delivery

    return process_delivery(delivery_id)
