"""What the modules' figure tests share: a figure read for one viewer, its rows, and a
record of which codes a test file covers (so a new figure without a test fails)."""

import datetime

from django.utils import timezone

from qinqing.core.indicators import FIGURES, Scope, figures, read


def at(text: str) -> datetime.datetime:
    """Shanghai local time from '2026-10-05 10:00'."""
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


OCTOBER = {"start": datetime.date(2026, 10, 1), "end": datetime.date(2026, 10, 31)}


def value(code: str, user, **scope):
    """The figure's number as ``user`` reads it (``scope``: start, end, region)."""
    return read(FIGURES[code], Scope(user=user, **scope)).value


def rows(code: str, user, **scope) -> list:
    """The records behind the figure, as its drill-down lists them."""
    return list(FIGURES[code].rows(Scope(user=user, **scope)))


class Covered:
    """``@covered("module.name")`` on a test marks the figure as tested by it.

    One record per module, whichever test file asks for it, so a module's
    figures may be tested in several files and checked in one.
    """

    _by_module: dict[str, "Covered"] = {}

    def __new__(cls, module: str):
        if module not in cls._by_module:
            record = super().__new__(cls)
            record.module, record.codes = module, set()
            cls._by_module[module] = record
        return cls._by_module[module]

    def __call__(self, *codes: str):
        self.codes.update(codes)
        return lambda test: test

    def registered(self) -> set[str]:
        return {figure.code for figure in figures(self.module)}
