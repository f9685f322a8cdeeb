"""A small talent center: an employer, a seeker, center staff and a complete posting."""

import datetime

import pytest

from qinqing.core.models import Person, Role
from qinqing.core.synthetic import make_id_number
from qinqing.talent import services
from qinqing.talent.models import Posting, SeekerProfile
from tests.conftest import make_user

# Monday 2 November 2026, 10:00 in 嘉善 — working hours, outside quiet hours.
NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def posting_data(regions, **overrides) -> dict:
    data = {
        "title": "封装测试工艺工程师",
        "duties": "负责集成电路封装测试工艺开发与良率提升，编写作业指导书。",
        "headcount": 3,
        "education_min": "本科",
        "majors": "微电子科学与工程、电子科学与技术",
        "skills": "封装测试、SPC、PLC",
        "skills_text": "熟悉晶圆切割和引线键合",
        "experience_years_min": 2,
        "occupation": "2-02",
        "industry": "39",
        "location": regions["zhuma"].code,
        "salary_min": 9000,
        "salary_max": 15000,
        "valid_from": "2026-10-01",
        "valid_until": "2026-12-31",
    }
    data.update(overrides)
    return data


@pytest.fixture
def talent(users, regions, enterprise, other_enterprise):
    return make_world(users, regions, other_enterprise)


def make_world(users, regions, other_enterprise) -> dict:
    seeker_person = Person.objects.create(
        name="沈毕业",
        id_number=make_id_number("330421", datetime.date(2003, 6, 1), 41),
        phone="13700002222",
        region=regions["zhuma"],
    )
    seeker = make_user(Role.RESIDENT, "seeker1", person=seeker_person)
    other_employer = make_user(Role.ENTERPRISE, "ent2", enterprise=other_enterprise)
    return {
        "staff": users["staff"],
        "employer": users["enterprise"],
        "other_employer": other_employer,
        "seeker": seeker,
        "person": seeker_person,
        "outsider": users["resident"],
    }


def publish(talent, regions, now=NOW, **overrides) -> Posting:
    posting = services.do_save_posting(talent["employer"], posting_data(regions, **overrides))
    posting = services.do_submit_posting(talent["employer"], posting, now=now)
    return services.do_review(talent["staff"], posting, "approve", now=now)


@pytest.fixture
def profile(talent, regions) -> SeekerProfile:
    return services.do_save_profile(
        talent["seeker"],
        {
            "education": "本科",
            "school": "嘉兴学院",
            "major": "微电子科学与工程",
            "graduation_year": 2026,
            "skills": "封测、SPC",
            "experience_years": 2,
            "expected_salary": 10000,
            "desired_occupations": "工程技术人员",
            "desired_locations": [regions["wucheng"].pk],
            "resume": "在封装测试厂实习一年，负责引线键合工艺。",
        },
    )
