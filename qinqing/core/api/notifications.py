"""Notification API: the caller's own inbox, and marking messages read."""

import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from qinqing.core import access
from qinqing.core.api.schemas import RecordId, errors
from qinqing.core.models import Notification
from qinqing.core.notifications import services

router = Router(tags=["消息"])


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="类别代码")
    kind_label: str = Field(description="类别名称")
    title: str
    body: str
    link: str = Field(description="相关页面的站内路径，可为空")
    created_at: datetime.datetime
    read_at: datetime.datetime | None = Field(None, description="已读时间；未读为空")
    unread: bool

    @staticmethod
    def resolve_unread(notification):
        return notification.read_at is None


class MarkedOut(Schema):
    marked: int = Field(description="本次标为已读的条数")


@router.get("/notifications", response=list[NotificationOut], summary="我的消息")
@paginate
def list_notifications(request, unread: bool | None = None):
    """unread=true 只看未读，unread=false 只看已读，不传为全部。"""
    notifications = access.visible(Notification, request.auth)
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return notifications


@router.post("/notifications/read-all", response=MarkedOut, summary="全部标为已读")
def read_all(request):
    return {"marked": services.mark_all_read(request.auth)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **errors(404)},
    summary="标为已读",
)
def read_one(request, notification_id: RecordId):
    notification = access.access_object(request.auth, Notification, notification_id)
    return services.mark_read(request.auth, notification)
