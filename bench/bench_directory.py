"""Directory pages and searches over 20,000 enterprises and 20,000 people."""

import datetime
import random

from django.test import Client

from bench.run import percentile, timed
from qinqing.core.models import Enterprise, Person, Region, Role, User
from qinqing.core.regions import load_regions
from qinqing.core.synthetic import make_credit_code, make_id_number, make_mobile, make_name

ENTERPRISES = 20_000
PEOPLE = 20_000


def build() -> tuple[User, str]:
    load_regions()
    rng = random.Random(7)
    counties = list(Region.objects.filter(level="county"))
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"{make_name(rng)}{i}号实业有限公司",
                credit_code=make_credit_code(county.code, 1_000_000 + 10 * i),
                industry_code=rng.choice(["3011", "3021", "3311", "3981", "5162"]),
                region=county,
                employees=rng.randint(5, 900),
                above_scale=rng.random() < 0.3,
            )
            for i, county in ((i, rng.choice(counties)) for i in range(ENTERPRISES))
        ],
        batch_size=2000,
    )
    people = []
    for i in range(PEOPLE):
        county = rng.choice(counties)
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 24000))
        people.append(
            Person(
                name=make_name(rng),
                id_number=make_id_number(county.code, birth, i),
                phone=make_mobile(rng),
                region=county,
            )
        )
    _bulk_people(people)
    staff = User.objects.create_user("bench-staff", password="x", role=Role.STAFF)
    staff.regions.set(Region.objects.filter(code__in=["330700", "330400"]))
    return staff, people[PEOPLE // 2].id_number


def _bulk_people(people):
    """bulk_create skips Person.save(), so the derived columns are filled here."""
    from qinqing.core import crypto
    from qinqing.core.validators import id_number_birth_date, id_number_gender

    for person in people:
        person.id_number_hash = crypto.lookup_hash(person.id_number)
        person.gender = id_number_gender(person.id_number)
        person.birth_date = id_number_birth_date(person.id_number)
        person.phone_hash = crypto.lookup_hash(person.phone)
    Person.objects.bulk_create(people, batch_size=2000)


def run(report) -> None:
    staff, some_id_number = build()
    client = Client()
    client.force_login(staff)

    def page(url, data=None):
        # Full ID numbers are searched by POST, so they never enter a URL.
        response = client.post(url, data) if data else client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    found = page("/people/", {"q": some_id_number}).content.decode()
    assert some_id_number[:6] + "********" + some_id_number[-4:] in found, "search found nobody"
    for label, url, data in [
        ("enterprise list, staff scoped to two prefectures", "/enterprises/", None),
        ("enterprise list, name search", "/enterprises/?q=实业", None),
        ("people list, exact ID-number search (lookup hash)", "/people/", {"q": some_id_number}),
        ("enterprise list page 40", "/enterprises/?page=40", None),
    ]:
        page(url, data)  # warm up
        samples = timed(lambda url=url, data=data: page(url, data), 30)
        report.figure(f"{label} p50", percentile(samples, 50), "ms")
        report.figure(f"{label} p95", percentile(samples, 95), "ms")

    samples = timed(lambda: page("/enterprises/?export=xlsx"), 3)
    report.figure("enterprise export .xlsx (all visible rows) p50", percentile(samples, 50), "ms")
