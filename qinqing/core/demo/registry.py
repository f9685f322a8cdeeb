"""The demo command's step registry and the context every step shares.

A step is a function ``step(ctx: DemoContext) -> None`` registered under a
dotted name with ``@demo_step("module.what", after=[...])``. Steps run in
registration order, except that a step never runs before the steps named in
its ``after``. Every step must be idempotent: it finds its records by a
natural key (username, credit code, ID number hash, name within a region …)
and creates only what is missing, so running the demo twice changes nothing.
"""

import datetime
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from qinqing.core import audit

DEMO_PASSWORD = "qinqing2026"
SEED = "qinqing-demo-2026"


def reference_date() -> datetime.date:
    """The day every demo date is relative to: ``QINQING_DEMO_DATE`` if set, else today.

    Today, so that upcoming sessions, running deadlines and overdue cases make sense
    on the day someone loads the demo; a fixed date (the tests use one) builds the
    same data on every run.
    """
    configured = getattr(settings, "QINQING_DEMO_DATE", "")
    if not configured:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(configured)
    except ValueError:
        raise ImproperlyConfigured(
            f"QINQING_DEMO_DATE 应为日期，如 2026-11-01（现为 {configured!r}）"
        ) from None


@dataclass(frozen=True)
class AccountRow:
    """One line of the accounts table the command prints."""

    username: str
    role: str
    name: str
    scope: str
    password: str


@dataclass
class DemoContext:
    """What the steps share: the records built so far, by key, and helpers.

    Core fills ``regions`` (keys: "wucheng", "zhuma", "haiyan", "baibu",
    "zhuji", "pujiang", "huangzhai", "jiashan", "jiande", "datong"),
    ``departments`` (by name), ``users`` (by username), ``enterprises`` and
    ``people`` (lists by group, e.g. "zhuma", "baibu_veterans"), ``named``
    (the records the articles name: "nanfang_jianfeng", "longda", "longteng",
    "qinglong", "yingwang", "cai" …) and ``liaisons`` (enterprise pk → its
    liaison officer in 竹马乡).
    """

    reference_date: datetime.date = field(default_factory=reference_date)
    password: str = DEMO_PASSWORD
    actor: object = None  # the admin account every core record is attributed to
    regions: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    enterprises: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    named: dict = field(default_factory=dict)
    liaisons: dict = field(default_factory=dict)
    accounts: list[AccountRow] = field(default_factory=list)
    counts: list[tuple[str, int]] = field(default_factory=list)
    password_hash: str = ""

    def rng(self, purpose: str) -> random.Random:
        """A generator of its own per purpose: adding a step never shifts another's data."""
        return random.Random(f"{SEED}:{purpose}")

    def local_datetime(self, day: datetime.date, at: datetime.time) -> datetime.datetime:
        """An aware datetime in the project's time zone."""
        return timezone.make_aware(datetime.datetime.combine(day, at))

    def days_before(self, days: int) -> datetime.date:
        return self.reference_date - datetime.timedelta(days=days)

    def acting(self):
        """Attribute plain ORM writes to the demo's admin account.

        Do not call a ``do_*`` service inside this block: services set their
        own actor, and django-auditlog's actor context does not nest (the
        outer actor is lost once the inner block ends).
        """
        return audit.acting_as(self.actor)

    def count(self, label: str, number: int) -> None:
        """Add a line to the summary the command prints (e.g. "微心愿", 120)."""
        self.counts.append((label, number))


StepFunction = Callable[[DemoContext], None]


@dataclass(frozen=True)
class DemoStep:
    name: str
    function: StepFunction
    after: tuple[str, ...]


STEPS: dict[str, DemoStep] = {}


def demo_step(name: str, *, after: Iterable[str] = ()):
    """Register a step of the demo command under ``name`` ("module.what")."""

    def decorator(function: StepFunction) -> StepFunction:
        existing = STEPS.get(name)
        if existing is not None and _origin(existing.function) != _origin(function):
            raise ImproperlyConfigured(f"demo step {name!r} is registered twice")
        STEPS[name] = DemoStep(name, function, tuple(after))
        return function

    return decorator


def _origin(function: StepFunction) -> tuple[str, str]:
    return function.__module__, function.__qualname__


def ordered_steps() -> list[DemoStep]:
    """Steps in registration order, each moved after the steps it names in ``after``."""
    pending = list(STEPS.values())
    for step in pending:
        unknown = [name for name in step.after if name not in STEPS]
        if unknown:
            raise ImproperlyConfigured(f"demo step {step.name!r} runs after unknown {unknown}")
    done: list[DemoStep] = []
    finished: set[str] = set()
    while pending:
        ready = next((s for s in pending if finished.issuperset(s.after)), None)
        if ready is None:
            names = ", ".join(s.name for s in pending)
            raise ImproperlyConfigured(f"demo steps wait on each other in a cycle: {names}")
        pending.remove(ready)
        done.append(ready)
        finished.add(ready.name)
    return done


def build(progress: Callable[[str], None] | None = None) -> DemoContext:
    """Run every registered step in one transaction: all of the demo, or none of it."""
    ctx = DemoContext()
    with transaction.atomic():
        for step in ordered_steps():
            if progress:
                progress(step.name)
            step.function(ctx)
    return ctx
