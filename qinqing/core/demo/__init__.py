"""The demo county: ``manage.py demo`` (or ``qinqing demo``).

Builds the same data on every run and never duplicates it: the regions, the
departments and staff of the six scenarios (SCENARIOS.md), 竹马乡's 87
enterprises and the enterprises of the other scenario towns, about 200
residents (海盐's veterans among them), a year of visits, and one account per
role sharing the password ``qinqing2026``.

Adding a module's demo data
---------------------------
Put a ``demo.py`` in the app. The command imports every installed app's
``demo`` module (as the admin site does with ``admin.py``) and runs the
registered steps in one transaction::

    from qinqing.core.demo import DemoContext, demo_step, ensure_account

    @demo_step("veterans.wishes", after=["core.visits"])
    def wishes(ctx: DemoContext) -> None:
        cai = ctx.named["cai"]                  # 蔡老, 73, 百步镇
        staff = ctx.users["haiyan"]
        rng = ctx.rng("veterans.wishes")        # its own seeded generator
        ...                                     # find-or-create by natural key
        ctx.count("微心愿", Wish.objects.count())

Rules for a step: idempotent (look records up by a natural key, create only
what is missing); deterministic for a given reference date (use
``ctx.rng(name)`` and ``ctx.reference_date`` — today, or ``QINQING_DEMO_DATE``
— never ``date.today()``); writes through the module's ``do_*`` services where
there is one, otherwise inside ``with ctx.acting():`` (never call a service
inside that block — the audit actor does not nest).
What core leaves in the context is described on ``DemoContext``.
"""

# The builder registers core's steps on import, so they come before any module's.
from qinqing.core.demo.builder import ensure_account, ensure_department, summary
from qinqing.core.demo.registry import (
    DEMO_PASSWORD,
    AccountRow,
    DemoContext,
    DemoStep,
    build,
    demo_step,
    ordered_steps,
    reference_date,
)

__all__ = [
    "DEMO_PASSWORD",
    "AccountRow",
    "DemoContext",
    "DemoStep",
    "build",
    "demo_step",
    "ensure_account",
    "ensure_department",
    "ordered_steps",
    "reference_date",
    "summary",
]
