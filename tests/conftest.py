"""Shared fixtures: a small county with an account of every role."""

import datetime
import os
import random

import pytest
from django.test import Client

from qinqing.core.models import Department, Enterprise, Person, Region, Role, User
from qinqing.core.regions import load_regions
from qinqing.core.synthetic import make_credit_code, make_id_number
from qinqing.enterprise.services import do_assign_liaison

PASSWORD = "qinqing-test-pw-2026"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database per test run, so runs on one PostgreSQL server don't collide."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("TEST", {})["NAME"] = f"test_qinqing_{os.getpid()}"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.QINQING_NOTIFY_FILE = tmp_path / "notifications.log"
    # Hashing test passwords with the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def regions(db):
    load_regions()
    return {
        "wucheng": Region.objects.get(code="330702"),
        "zhuma": Region.objects.resolve_town("330702", "竹马乡"),
        "haiyan": Region.objects.get(code="330424"),
        "baibu": Region.objects.resolve_town("330424", "百步镇"),
    }


@pytest.fixture
def department(regions):
    return Department.objects.create(name="区经商局", region=regions["wucheng"])


def make_user(
    role, username, *, regions=(), department=None, enterprise=None, person=None, **extra
):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        full_name=username,
        department=department,
        enterprise=enterprise,
        person=person,
        **extra,
    )
    if regions:
        user.regions.set(regions)
    return user


@pytest.fixture
def enterprise(regions):
    return Enterprise.objects.create(
        name="竹马水泥建材有限公司",
        credit_code=make_credit_code("330702", 1001),
        industry_code="3011",
        region=regions["zhuma"],
        land_area_mu=42.5,
        employees=120,
        above_scale=True,
    )


@pytest.fixture
def other_enterprise(regions):
    return Enterprise.objects.create(
        name="百步电子有限公司",
        credit_code=make_credit_code("330424", 2002),
        industry_code="3981",
        region=regions["baibu"],
        employees=30,
    )


@pytest.fixture
def person(regions):
    return Person.objects.create(
        name="蔡老",
        id_number=make_id_number("330424", datetime.date(1953, 5, 1), 31),
        phone="13812345678",
        region=regions["baibu"],
    )


@pytest.fixture
def local_person(regions):
    return Person.objects.create(
        name="竹马居民",
        id_number=make_id_number("330702", datetime.date(1990, 2, 3), 22),
        phone="13900001111",
        region=regions["zhuma"],
    )


@pytest.fixture
def users(regions, department, enterprise, person):
    """One account per role; staff and handler are scoped to 婺城区."""
    return {
        "admin": make_user(Role.ADMIN, "admin1"),
        "leader": make_user(Role.LEADER, "leader1"),
        "staff": make_user(
            Role.STAFF, "staff1", regions=[regions["wucheng"]], department=department
        ),
        "handler": make_user(
            Role.HANDLER, "handler1", regions=[regions["wucheng"]], department=department
        ),
        "enterprise": make_user(Role.ENTERPRISE, "ent1", enterprise=enterprise),
        "resident": make_user(Role.RESIDENT, "resident1", person=person),
    }


def log_in(client: Client, username: str, password: str):
    """Sign in through the login page, as a person does (login throttling sees it)."""
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def office(regions, department, local_person):
    """A county office that handles cases: a dispatch desk and two departments.

    Its 区经商局 is the ``department`` of the ``users`` world, so both combine.
    """
    wucheng = regions["wucheng"]
    economy = department
    land = Department.objects.create(name="区资规分局", region=wucheng)
    head = make_user(Role.STAFF, "economy-head", regions=[wucheng], department=economy)
    economy.head = head
    economy.save()
    return {
        "economy": economy,
        "land": land,
        "head": head,
        "dispatcher": make_user(Role.STAFF, "dispatcher", regions=[wucheng]),
        "economy_handler": make_user(
            Role.HANDLER, "economy-handler", regions=[wucheng], department=economy
        ),
        "land_handler": make_user(Role.HANDLER, "land-handler", regions=[wucheng], department=land),
        # A resident of 竹马乡: residents file cases where they live.
        "requester": make_user(Role.RESIDENT, "requester", person=local_person),
        "outsider": make_user(Role.STAFF, "haiyan-staff", regions=[regions["haiyan"]]),
    }


@pytest.fixture
def station(users, regions, enterprise):
    """竹马乡's enterprise office: a liaison for the fixture enterprise."""
    office = Department.objects.create(name="竹马乡企业服务办公室", region=regions["zhuma"])
    liaison = make_user(Role.STAFF, "liaison", regions=[regions["zhuma"]], department=office)
    do_assign_liaison(users["admin"], enterprise, liaison)
    return {"office": office, "liaison": liaison}


@pytest.fixture
def uncovered(regions):
    """A 竹马 enterprise still without a liaison."""
    return Enterprise.objects.create(
        name="竹马新开机械有限公司",
        credit_code=make_credit_code("330702", 1501),
        industry_code="3411",
        region=regions["zhuma"],
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rng():
    return random.Random(2026)
