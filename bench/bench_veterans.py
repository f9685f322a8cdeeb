"""Veterans' services: 优待金 rates and mismatches over 20,000 entitled persons, visit figures."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from bench.run import percentile, timed
from qinqing.core import crypto
from qinqing.core.models import Person, Region, Role, User, Visit
from qinqing.core.regions import load_regions
from qinqing.core.synthetic import make_id_number
from qinqing.core.validators import id_number_birth_date, id_number_gender
from qinqing.veterans import services
from qinqing.veterans.models import (
    AllowanceStandard,
    Category,
    Eligibility,
    Payment,
    ServiceRecord,
    Station,
    VisitReach,
)

PEOPLE, VISITS, YEAR = 20_000, 14_400, 2026


def build():
    load_regions()
    county = Region.objects.get(code="330424")
    admin = User.objects.create(username="bench-admin", role=Role.ADMIN, is_superuser=True)
    rng = random.Random(12)
    centre = Station.objects.create(name="县中心", level="county", region=county)
    stations = Station.objects.bulk_create(
        [
            Station(name=f"服务站{i}", level="village", region=county, parent=centre)
            for i in range(129)
        ]
    )
    people = []
    for i in range(PEOPLE):
        number = make_id_number(
            "330424",
            datetime.date(1940 + (i // 1000) % 60, 1 + i % 12, 1 + (i // 12) % 28),
            i % 1000,
        )
        people.append(
            Person(
                name=f"老兵{i}",
                id_number=number,
                id_number_hash=crypto.lookup_hash(number),
                gender=id_number_gender(number),
                birth_date=id_number_birth_date(number),
                region=county,
            )
        )
    seen, unique = set(), []
    for person in people:
        if person.id_number_hash not in seen:
            seen.add(person.id_number_hash)
            unique.append(person)
    people = Person.objects.bulk_create(unique, batch_size=2000)
    categories = list(Category.values)
    ServiceRecord.objects.bulk_create(
        [
            ServiceRecord(person=p, category=rng.choice(categories), station=rng.choice(stations))
            for p in people
        ],
        batch_size=2000,
    )
    for category in categories:
        AllowanceStandard.objects.create(
            year=YEAR, category=category, amount=Decimal(1200), due_on=datetime.date(YEAR, 3, 31)
        )
    services.do_derive_eligibility(admin, YEAR)
    due = Eligibility.objects.filter(year=YEAR).values_list("person_id", "station_id", "amount_due")
    Payment.objects.bulk_create(
        [
            Payment(
                year=YEAR,
                person_id=person_id,
                station_id=station_id,
                amount=amount if i % 97 else amount - 100,
                paid_on=datetime.date(YEAR, 3 if i % 41 else 5, 20),
            )
            for i, (person_id, station_id, amount) in enumerate(due)
            if i % 53
        ],
        batch_size=2000,
    )
    now = timezone.now()
    visits = Visit.objects.bulk_create(
        [
            Visit(
                visited_at=now - datetime.timedelta(days=i % 365),
                visitor=admin,
                person=people[i % len(people)],
                region=county,
                notes="走访慰问",
            )
            for i in range(VISITS)
        ],
        batch_size=2000,
    )
    VisitReach.objects.bulk_create(
        [
            VisitReach(
                visit=v,
                station=stations[i % len(stations)],
                people_reached=4 + i % 3,
                visited_on=v.visited_at.date(),
            )
            for i, v in enumerate(visits)
        ],
        batch_size=2000,
    )
    return admin, len(people)


def run(report) -> None:
    admin, count = build()
    eligible, paid = Eligibility.objects.filter(year=YEAR), Payment.objects.filter(year=YEAR)
    samples = timed(lambda: services.do_derive_eligibility(admin, YEAR), 3)
    report.figure(
        f"derive the {YEAR} eligible list ({count:,} records, INSERT … SELECT) p50",
        percentile(samples, 50),
        "ms",
    )
    samples = timed(lambda: services.payment_rates(eligible, paid), 5)
    report.figure(
        "发放面, 优待额, 兑现率 over 20,000 eligible / payments p50", percentile(samples, 50), "ms"
    )

    def mismatch_counts():
        found = services.mismatches(eligible, paid)
        return [found[key].count() for key in found]

    samples = timed(mismatch_counts, 5)
    report.figure("three mismatch lists counted p50", percentile(samples, 50), "ms")
    reaches = VisitReach.objects.all()
    samples = timed(lambda: list(services.visits_by_station_month(reaches)), 5)
    report.figure("visits per station and month (14,400 visits) p50", percentile(samples, 50), "ms")
    samples = timed(lambda: services.not_visited(ServiceRecord.objects.all()).count(), 5)
    report.figure("veterans not visited within 90 days (20,000) p50", percentile(samples, 50), "ms")
