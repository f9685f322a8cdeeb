"""Test settings: the project's own, plus apps that exist only to prove extension points."""

from qinqing.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.flowapp"]  # noqa: F405
