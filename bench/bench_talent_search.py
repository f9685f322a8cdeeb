"""Self-service job search (自取) over 20,000 open postings: database filters, BM25 paging."""

import datetime
import random

from django.test import Client
from django.utils import timezone

from bench.run import percentile, timed
from qinqing.core.models import Enterprise, Person, Region, Role, User
from qinqing.core.regions import load_regions
from qinqing.core.synthetic import make_credit_code, make_id_number
from qinqing.talent import services
from qinqing.talent.demo import JOBS
from qinqing.talent.matching.features import posting_features
from qinqing.talent.models import Posting, PostingStatus

COUNT = 20_000
EXTRA_SKILLS = ["Python", "CAD", "SolidWorks", "ERP", "英语六级", "叉车证", "电工证", "Excel"]


def build():
    load_regions()
    county = Region.objects.get(code="330421")
    employers = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"嘉善检索企业{i}",
                credit_code=make_credit_code("330421", 30_000 + 10 * i),
                industry_code="3973",
                region=county,
            )
            for i in range(200)
        ]
    )
    creator = User.objects.create_user("bench-hr", role=Role.ENTERPRISE, enterprise=employers[0])
    rng = random.Random(7)
    today = timezone.localdate()
    variants = []
    for job in JOBS:
        for extra in EXTRA_SKILLS:
            title, occupation, skills, majors, education, years, (low, high), duties = job
            variants.append((title, occupation, [*skills, extra], majors, education, years,
                             (low, high), duties))  # fmt: skip
    features = {}
    rows = []
    for i in range(COUNT):
        variant = variants[i % len(variants)]
        title, occupation, skills, majors, education, years, (low, high), duties = variant
        posting = Posting(
            employer=employers[i % len(employers)],
            title=title,
            duties=duties,
            headcount=rng.randint(1, 9),
            education_min=education,
            majors=majors,
            skills=skills,
            experience_years_min=years,
            occupation=occupation,
            industry="39",
            location=county,
            salary_min=low + rng.randint(0, 10) * 100,
            salary_max=high,
            valid_from=today - datetime.timedelta(days=30),
            valid_until=today + datetime.timedelta(days=rng.randint(1, 90)),
            status=PostingStatus.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(minutes=i),
            created_by=creator,
        )
        key = i % len(variants)
        if key not in features:
            features[key] = posting_features(services.posting_dict(posting), embed=False)
        posting.features = features[key]
        rows.append(posting)
    Posting.objects.bulk_create(rows, batch_size=2000)
    person = Person.objects.create(
        name="求职者",
        id_number=make_id_number("330421", datetime.date(2002, 1, 1), 1),
        region=county,
    )
    return User.objects.create_user("bench-seeker", role=Role.RESIDENT, person=person)


def run(report) -> None:
    seeker = build()
    client = Client()
    client.force_login(seeker)

    def get(params):
        response = client.get("/talent/search/", params)
        assert response.status_code == 200, response.status_code

    samples = timed(lambda: get({"q": "封测"}), 1)
    report.figure("first keyword search (builds the BM25 index)", samples[0], "ms")
    for label, params in [
        ("keyword 封测, page 1", {"q": "封测"}),
        ("keyword PLC 电气, page 20", {"q": "PLC 电气", "page": 20}),
        ("keyword + salary + education", {"q": "工程师", "salary": 12000, "education": "本科"}),
        ("no keyword, newest first, page 50", {"page": 50}),
    ]:  # fmt: skip
        samples = timed(lambda params=params: get(params), 30)
        report.figure(f"search page: {label} p50", percentile(samples, 50), "ms")
        report.figure(f"search page: {label} p95", percentile(samples, 95), "ms", "20,000 open")
