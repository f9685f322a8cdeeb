"""Backing the county up into a directory and restoring it into an empty database."""

import gzip
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from qinqing.cases.models import Case, CaseAttachment
from qinqing.cases.services import do_open_case, do_transition
from qinqing.core import crypto
from qinqing.core.backup import DATA_FILE, MANIFEST_FILE
from qinqing.core.models import AuditEntry, Enterprise, Person
from tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)  # a restore commits, as in real use

KEY_A = crypto.generate_key()
KEY_B = crypto.generate_key()


@pytest.fixture
def county(settings, tmp_path, users, enterprise, other_enterprise, person, local_person, regions):
    """A small county: an account per role, two enterprises, two people, a case
    with an attachment."""
    settings.MEDIA_ROOT = tmp_path / "media"
    users["staff"].phone = "13600002222"
    users["staff"].save()
    case = do_open_case(
        users["staff"],
        requester=users["resident"],
        case_type="general",
        title="企业员工子女入学",
        region=regions["zhuma"],
        person=person,
    )
    photo = ContentFile("路面破损约20米".encode(), name="现场照片.txt")
    do_transition(None, case, "accept", attachments=[photo])
    return {"users": users, "people": [person, local_person], "case": case}


@pytest.fixture(autouse=True)
def under_key_a(settings):
    settings.QINQING_FIELD_KEY = KEY_A
    settings.QINQING_FIELD_KEY_PREVIOUS = ""


def run(command, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def empty_migrated_database():
    """What `migrate` leaves in a new database (flush re-runs what migrate installs)."""
    call_command("flush", interactive=False, verbosity=0)
    assert not get_user_model().objects.exists()
    assert not AuditEntry.objects.exists()


def counts():
    return {
        "people": Person.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "accounts": get_user_model().objects.count(),
        "cases": Case.objects.count(),
        "audit entries": AuditEntry.objects.count(),
    }


def test_a_restored_backup_finds_every_person_by_id_number_again(county, tmp_path):
    before = counts()
    run("backup", str(tmp_path / "b"))
    empty_migrated_database()

    report = run("restore", str(tmp_path / "b"))

    assert "各表行数与备份清单一致" in report
    after = counts()
    assert after.pop("audit entries") == before.pop("audit entries") + 1  # the restore itself
    assert after == before
    admin = get_user_model().objects.get(username="admin1")
    client = client_for(admin)
    for person in county["people"]:
        found = client.post(reverse("person-list"), {"q": person.id_number})
        assert [p.pk for p in found.context["page"]] == [person.pk]
        assert Person.objects.get(pk=person.pk).phone == person.phone
    assert get_user_model().objects.get(username="staff1").phone == "13600002222"
    assert Case.objects.get().person.pk == county["people"][0].pk


def test_attachments_come_back_with_the_rows_that_refer_to_them(settings, county, tmp_path):
    run("backup", str(tmp_path / "b"))
    empty_migrated_database()
    settings.MEDIA_ROOT = tmp_path / "new-machine-media"

    run("restore", str(tmp_path / "b"))

    attachment = CaseAttachment.objects.get()
    assert attachment.name == "现场照片.txt"
    with attachment.file.open("rb") as f:
        assert f.read().decode() == "路面破损约20米"


def test_the_backup_holds_no_id_or_phone_number_in_plain_text(county, tmp_path):
    run("backup", str(tmp_path / "b"))

    dump = gzip.decompress((tmp_path / "b" / DATA_FILE).read_bytes()).decode()
    assert "蔡老" in dump  # names are not encrypted, so this is the right file
    for person in county["people"]:
        assert person.id_number not in dump
        assert person.phone not in dump
    assert "13600002222" not in dump


def test_the_manifest_records_version_migrations_and_row_counts(county, tmp_path):
    run("backup", str(tmp_path / "b"))

    manifest = json.loads((tmp_path / "b" / MANIFEST_FILE).read_text())
    assert manifest["row_counts"]["core.Person"] == 2
    assert manifest["row_counts"]["cases.Case"] == 1
    assert "0001_initial" in manifest["migrations"]["core"]
    assert manifest["field_key"] == crypto.configured_key_ids()[0]
    assert manifest["app_version"]
    assert manifest["created_at"]


def test_a_restore_into_a_database_in_use_is_refused(county, tmp_path):
    run("backup", str(tmp_path / "b"))
    Person.objects.filter(pk=county["people"][1].pk).update(name="改过的名字")

    with pytest.raises(CommandError, match="数据库中已有数据"):
        run("restore", str(tmp_path / "b"))

    assert Person.objects.get(pk=county["people"][1].pk).name == "改过的名字"


def test_force_replaces_the_data_audit_trail_included(county, tmp_path, regions):
    run("backup", str(tmp_path / "b"))
    Person.objects.create(
        name="备份后登记", id_number="110101199003077777", region=regions["zhuma"]
    )

    run("restore", "--force", str(tmp_path / "b"))

    assert not Person.objects.filter(name="备份后登记").exists()
    assert Person.objects.count() == 2
    assert AuditEntry.objects.filter(additional_data__event="restore").count() == 1


def test_a_backup_from_another_migration_state_is_refused(county, tmp_path):
    run("backup", str(tmp_path / "b"))
    manifest_path = tmp_path / "b" / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["migrations"]["core"].append("9999_from_a_later_version")
    manifest_path.write_text(json.dumps(manifest))
    empty_migrated_database()

    with pytest.raises(CommandError, match=r"本库缺少迁移 core\.9999_from_a_later_version"):
        run("restore", str(tmp_path / "b"))

    assert not Person.objects.exists()


def test_a_damaged_backup_is_refused_before_anything_is_written(county, tmp_path):
    run("backup", str(tmp_path / "b"))
    data = tmp_path / "b" / DATA_FILE
    data.write_bytes(data.read_bytes()[:-10])
    empty_migrated_database()

    with pytest.raises(CommandError, match="校验值与清单不符"):
        run("restore", str(tmp_path / "b"))

    assert not Person.objects.exists()


def test_a_restore_without_the_backups_field_key_is_refused(settings, county, tmp_path):
    run("backup", str(tmp_path / "b"))
    empty_migrated_database()
    settings.QINQING_FIELD_KEY = KEY_B

    with pytest.raises(CommandError, match="本机未配置该密钥"):
        run("restore", str(tmp_path / "b"))


def test_a_backup_restores_under_a_new_key_kept_beside_the_old_one(settings, county, tmp_path):
    run("backup", str(tmp_path / "b"))
    empty_migrated_database()
    settings.QINQING_FIELD_KEY, settings.QINQING_FIELD_KEY_PREVIOUS = KEY_B, KEY_A

    run("restore", str(tmp_path / "b"))
    run("rotate_field_key")
    settings.QINQING_FIELD_KEY_PREVIOUS = ""

    admin = get_user_model().objects.get(username="admin1")
    for person in county["people"]:
        found = client_for(admin).post(reverse("person-list"), {"q": person.id_number})
        assert [p.pk for p in found.context["page"]] == [person.pk]


def test_a_backup_taken_halfway_through_a_rotation_needs_only_the_new_key(
    settings, county, tmp_path
):
    settings.QINQING_FIELD_KEY, settings.QINQING_FIELD_KEY_PREVIOUS = KEY_B, KEY_A
    run("rotate_field_key", "--batch-size", "1", "--batches", "1")
    run("backup", str(tmp_path / "b"))
    empty_migrated_database()
    settings.QINQING_FIELD_KEY_PREVIOUS = ""

    run("restore", str(tmp_path / "b"))

    admin = get_user_model().objects.get(username="admin1")
    for person in county["people"]:
        found = client_for(admin).post(reverse("person-list"), {"q": person.id_number})
        assert [p.pk for p in found.context["page"]] == [person.pk]
    assert "全部使用当前密钥" in run("rotate_field_key", "--check")


def test_a_development_key_file_travels_with_the_backup(settings, county, tmp_path):
    key_file = tmp_path / "var" / "field.key"
    key_file.parent.mkdir()
    key_file.write_text(KEY_A)
    settings.QINQING_FIELD_KEY, settings.QINQING_FIELD_KEY_FILE = "", key_file
    run("backup", str(tmp_path / "b"))
    assert (tmp_path / "b" / "keys" / "field.key").read_text() == KEY_A

    empty_migrated_database()
    settings.QINQING_FIELD_KEY_FILE = tmp_path / "new-machine" / "field.key"
    report = run("restore", str(tmp_path / "b"))

    assert "已从备份安装个人信息密钥文件" in report
    assert (tmp_path / "new-machine" / "field.key").read_text() == KEY_A
    assert Person.objects.get(pk=county["people"][0].pk).id_number == county["people"][0].id_number


def test_a_backup_goes_only_into_a_new_or_empty_directory(county, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old.txt").write_text("x")

    with pytest.raises(CommandError, match="已存在且不为空"):
        run("backup", str(tmp_path / "b"))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger is PostgreSQL's",
)
def test_after_a_restore_the_audit_trail_still_refuses_changes(county, tmp_path):
    run("backup", str(tmp_path / "b"))
    empty_migrated_database()
    run("restore", str(tmp_path / "b"))

    with (
        pytest.raises(DatabaseError, match="审计记录只能追加"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditentry SET object_repr = 'x'")
