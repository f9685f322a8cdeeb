"""The ``qinqing`` console script: ``manage.py`` under a shorter name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qinqing", *sys.argv[1:]])
