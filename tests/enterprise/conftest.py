import pytest

from qinqing.core.models import Department, Role
from qinqing.enterprise.services import do_assign_liaison
from tests.conftest import make_user


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
    from qinqing.core.models import Enterprise
    from qinqing.core.synthetic import make_credit_code

    return Enterprise.objects.create(
        name="竹马新开机械有限公司",
        credit_code=make_credit_code("330702", 1501),
        industry_code="3411",
        region=regions["zhuma"],
    )
