"""Test settings: the project's own, plus apps that exist only to test core mechanisms."""

from qinqing.settings import *  # noqa: F403
from qinqing.settings import INSTALLED_APPS

# Models declared only for tests (with their own migrations, so they are made
# the same way on SQLite and PostgreSQL as a module's would be).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.letting_app"]
