"""The demo is built around today, unless a date is configured."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from qinqing.core import demo


def test_without_a_configured_date_the_demo_is_built_around_today(settings):
    settings.QINQING_DEMO_DATE = ""
    assert demo.reference_date() == timezone.localdate()
    assert demo.DemoContext().reference_date == timezone.localdate()


def test_a_configured_demo_date_is_used(settings):
    settings.QINQING_DEMO_DATE = "2026-11-01"
    assert demo.DemoContext().reference_date == datetime.date(2026, 11, 1)


def test_a_malformed_demo_date_is_refused_naming_the_setting(settings):
    settings.QINQING_DEMO_DATE = "11/01/2026"
    with pytest.raises(ImproperlyConfigured, match="QINQING_DEMO_DATE 应为日期"):
        demo.reference_date()
