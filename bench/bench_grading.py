"""亩均效益 grading of 10,000 enterprises (7,000 规上, 3,000 规下)."""

import random
from decimal import Decimal

from bench.run import percentile, timed
from qinqing.core.models import Enterprise, Region
from qinqing.core.regions import load_regions
from qinqing.core.synthetic import make_credit_code
from qinqing.enterprise.models import IndicatorYear
from qinqing.enterprise.services import do_grade_year

COUNT = 10_000


def build() -> None:
    load_regions()
    county = Region.objects.get(code="330702")
    rng = random.Random(11)
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"评价企业{i}",
                credit_code=make_credit_code("330702", 20_000 + 10 * i),
                industry_code="3011",
                region=county,
            )
            for i in range(COUNT)
        ],
        batch_size=2000,
    )
    rows = []
    for i, enterprise in enumerate(enterprises):
        above = i % 10 < 7
        land = Decimal(rng.randint(5, 300))
        rows.append(
            IndicatorYear(
                enterprise=enterprise,
                year=2025,
                above_scale=above,
                land_area_mu=land,
                tax=Decimal(rng.randint(0, 4000)),
                value_added=Decimal(rng.randint(100, 20000)) if above else None,
                revenue=Decimal(rng.randint(1000, 90000)) if above else None,
                energy_tce=Decimal(rng.randint(50, 9000)) if above else None,
                emissions=Decimal(rng.randint(1, 500)) if above and i % 17 else None,
                rd_spending=Decimal(rng.randint(0, 3000)) if above else None,
                employees=rng.randint(10, 2000) if above else None,
                electricity_kwh=None if above else Decimal(rng.randint(10, 800)),
            )
        )
    IndicatorYear.objects.bulk_create(rows, batch_size=2000)


def run(report) -> None:
    build()
    samples = timed(lambda: do_grade_year(None, 2025), 5)
    report.figure(
        "grade 10,000 enterprises (compute + store results) p50", percentile(samples, 50), "ms"
    )
    report.figure("grade 10,000 enterprises (compute + store results) max", max(samples), "ms")
