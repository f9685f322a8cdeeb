import pytest

from qinqing.medinsure.services import do_import_catalog
from qinqing.medinsure.synthetic import generate


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(scope="session")
def small_claims():
    return generate(settlements=150, seed=21)


@pytest.fixture
def claim_files(small_claims, tmp_path):
    return small_claims.write(tmp_path / "files", "csv")


@pytest.fixture
def catalog(users, claim_files):
    saved, problems = do_import_catalog(users["admin"], claim_files["catalog"])
    assert problems == [] and saved > 0
    return saved
