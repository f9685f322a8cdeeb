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
