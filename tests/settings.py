"""Test settings: the project's own, plus apps that exist only to prove extension points."""

from qinqing.settings import *  # noqa: F403
from qinqing.settings import INSTALLED_APPS

# Apps declared only for tests: a flow on the case engine (``flowapp``) and models
# on core's letting mechanism (``letting_app``, with its own migrations, so they
# are made the same way on SQLite and PostgreSQL as a module's would be).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.flowapp", "tests.letting_app"]

# The demo's figures are checked on a fixed day; the day it runs is checked apart.
QINQING_DEMO_DATE = "2026-11-01"
