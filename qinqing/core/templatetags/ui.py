"""How every list says a deadline and a status, so all modules say it alike.

``{% load ui %}``, then:

- ``{{ case.due_at|countdown }}`` — "还剩 3 天", "还剩 5 小时", "超期 2 天";
- ``{% deadline case.due_at case.kind %}`` — the countdown in a
  ``<time class="deadline">`` coloured by urgency, the exact time in its title;
  a record whose clock has stopped (state kind resolved, closed or rejected)
  shows only the date. Without a kind the clock is running;
- ``{% status_badge case.state_label case.kind %}`` — a badge coloured by the
  state kind (open, in_progress, resolved, closed, rejected).
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from qinqing.core.indicators import shown

register = template.Library()

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# Within this much of the deadline a list shows it in the warning colour.
SOON = 2 * DAY
STATUS_KINDS = {"open", "in_progress", "resolved", "closed", "rejected"}
RUNNING_KINDS = {"", "open", "in_progress"}


def _remaining(value, now=None) -> datetime.timedelta | None:
    """Time left until ``value`` (negative once past); a date is due at the end of its day."""
    if value in (None, ""):
        return None
    now = now or timezone.now()
    if isinstance(value, datetime.datetime):
        return value - now
    end_of_day = timezone.make_aware(datetime.datetime.combine(value + DAY, datetime.time()))
    return end_of_day - now


@register.filter
def countdown(value, now=None) -> str:
    """Plain words for a deadline: whole days, or hours on the last (or first overdue) day."""
    left = _remaining(value, now)
    if left is None:
        return ""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        days = (value - timezone.localdate(now or timezone.now())).days
        if days > 0:
            return f"还剩 {days} 天"
        if days == 0:
            return "今天到期"
        return f"超期 {-days} 天"
    if left >= DAY:
        return f"还剩 {left // DAY} 天"
    if left >= HOUR:
        return f"还剩 {left // HOUR} 小时"
    if left > datetime.timedelta(0):
        return "还剩不到 1 小时"
    late = -left
    if late >= DAY:
        return f"超期 {late // DAY} 天"
    return f"超期 {max(late // HOUR, 1)} 小时"


def urgency(value, now=None) -> str:
    """``overdue``, ``soon`` or ``""`` — the colour a deadline is shown in."""
    left = _remaining(value, now)
    if left is None:
        return ""
    if left <= datetime.timedelta(0):
        return "overdue"
    return "soon" if left <= SOON else ""


@register.simple_tag
def deadline(value, kind="", now=None):
    if value in (None, ""):
        return mark_safe('<span class="deadline none">无期限</span>')  # constant markup
    if isinstance(value, datetime.datetime):
        exact = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    else:
        exact = value.strftime("%Y-%m-%d")
    if kind not in RUNNING_KINDS:
        return format_html('<span class="deadline done">期限 {}</span>', exact)
    return format_html(
        '<time class="deadline {}" datetime="{}">{} <small>期限 {}</small></time>',
        urgency(value, now),
        value.isoformat(),
        countdown(value, now),
        exact[5:],  # the year goes without saying on a list
    )


@register.simple_tag
def status_badge(label, kind=""):
    kind = kind if kind in STATUS_KINDS else "other"
    return format_html('<span class="status-badge kind-{}">{}</span>', kind, label)


@register.filter
def figure(value) -> str:
    """A cockpit figure's value: 1,234 · 56.54 · 66.7 · — (see core.indicators.shown)."""
    return shown(value)
