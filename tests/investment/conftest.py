import datetime
from decimal import Decimal

import pytest

from qinqing.core.models import Department, Enterprise, Region, Role
from qinqing.core.synthetic import make_credit_code
from qinqing.investment import services
from qinqing.investment.models import MilestoneKind as K
from tests.conftest import make_user


@pytest.fixture
def huangzhai(regions):
    return {
        "pujiang": Region.objects.get(code="330726"),
        "town": Region.objects.resolve_town("330726", "黄宅镇"),
    }


@pytest.fixture
def agency(huangzhai):
    """黄宅镇's agency team, a county approval department and an investor with its account."""
    team_office = Department.objects.create(name="黄宅镇代办队", region=huangzhai["town"])
    land = Department.objects.create(name="县资规局", region=huangzhai["pujiang"])
    officer = make_user(Role.STAFF, "daiban", regions=[huangzhai["town"]], department=team_office)
    land_handler = make_user(Role.HANDLER, "zigui", regions=[huangzhai["pujiang"]], department=land)
    investor = Enterprise.objects.create(
        name="浙江盈旺新能源科技有限公司",
        credit_code=make_credit_code("330726", 4001),
        industry_code="3841",
        region=huangzhai["town"],
    )
    investor_account = make_user(Role.ENTERPRISE, "yingwang", enterprise=investor)
    return {
        "office": team_office,
        "land": land,
        "officer": officer,
        "land_handler": land_handler,
        "investor": investor,
        "investor_account": investor_account,
        "leader": make_user(Role.LEADER, "zhenzhang"),
        "town": huangzhai["town"],
    }


def make_project(agency, name="盈旺新能源年产10GWh电池项目", investment="520000"):
    return services.do_create_project(
        agency["officer"],
        {
            "name": name,
            "investor": agency["investor"].pk,
            "total_investment": investment,
            "industry_code": "3841",
            "town": agency["town"].code,
            "officer": agency["officer"].pk,
        },
    )


@pytest.fixture
def project(agency):
    return make_project(agency)


def finish(agency, project, dates: dict):
    """Mark milestones done in order with the given dates."""
    for kind, _ in services.STAGES:
        if kind in dates:
            services.do_complete_milestone(
                agency["officer"],
                project.milestones.get(kind=kind),
                done_on=dates[kind],
                certificate_no=f"浙({dates[kind]:%Y})浦江{kind}"
                if kind in services.CERTIFICATES
                else "",
            )


D = datetime.date
QUICK = {
    K.SIGNING: D(2025, 3, 1),
    K.DELISTING: D(2025, 4, 10),
    K.PROPERTY: D(2025, 4, 11),
    K.LAND_PLANNING: D(2025, 4, 11),
    K.WORKS_PLANNING: D(2025, 4, 14),
    K.CONSTRUCTION: D(2025, 4, 15),
    K.START: D(2025, 4, 16),
}
__all__ = ["QUICK", "Decimal", "finish", "make_project"]
