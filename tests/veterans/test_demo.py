"""The veterans' demo (SCENARIO 3), built with core's steps only (the other modules' are
not needed): 130 stations, 1.44万 visits reaching 6.5万 people, 100+ fulfilled wishes
with 蔡老's hearing aid, every state, and two years of 优待金."""

import pytest
from django.db.models import Sum

from qinqing.core.demo import registry
from qinqing.veterans import services
from qinqing.veterans.case_types import WISH_FLOW
from qinqing.veterans.models import Eligibility, Payment, Station, VisitReach, Wish

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(db, settings, monkeypatch):
    from django.utils.module_loading import autodiscover_modules

    settings.QINQING_DEMO_DATE = "2026-11-01"
    autodiscover_modules("demo")
    steps = {
        name: step
        for name, step in registry.STEPS.items()
        if name.startswith(("core.", "veterans."))
    }
    monkeypatch.setattr(registry, "STEPS", steps)
    return registry.build()


def test_the_demo_county_has_its_stations_visits_wishes_and_payments(demo):
    assert Station.objects.count() == 130
    assert VisitReach.objects.count() == 14_400
    assert VisitReach.objects.aggregate(p=Sum("people_reached"))["p"] == 65_000
    figures = services.wish_figures(Wish.objects.all())
    assert figures["fulfilled"] >= 100
    states = set(Wish.objects.values_list("case__state__code", flat=True))
    assert states == {s.code for s in WISH_FLOW.states}
    cai = Wish.objects.get(record__person__name="蔡金法")
    assert cai.title == "助听器" and cai.case.state.code == "thanked"
    assert cai.station.name == "百步镇退役军人服务站"
    label = services.wall_label(cai)
    assert label.startswith("蔡老，") and label.endswith("岁，百步镇")
    current = services.payment_rates(
        Eligibility.objects.filter(year=2026), Payment.objects.filter(year=2026)
    )
    assert (current["coverage"], current["amount_rate"], current["on_time_rate"]) == (
        100.0,
        100.0,
        100.0,
    )
    prior = services.mismatches(
        Eligibility.objects.filter(year=2025), Payment.objects.filter(year=2025)
    )
    assert all(prior[key].exists() for key in ("not_eligible", "wrong_amount", "missing"))
    again = registry.build()  # idempotent: nothing is added the second time
    assert Wish.objects.count() == figures["collected"]
    assert VisitReach.objects.count() == 14_400
    del again
