"""Backing up the whole database to a directory, and restoring it.

A backup directory holds:

- ``data.qinqing-json.gz``: every app's rows through ``dumpdata`` (natural keys
  for content types and permissions, which ``migrate`` creates anyway), with ID
  and phone numbers still encrypted (``backup_format``);
- ``manifest.json``: when, which version, which migrations, how many rows per
  table, which field key (by fingerprint) and the data file's SHA-256;
- ``media/``: the uploaded files that rows refer to (``FileField``s of every
  model, e.g. case attachments), with their SHA-256 in the manifest;
- ``keys/``: the key files from the var directory, when the keys come from
  files rather than the environment (keys from the environment must be kept by
  the operator: without the field key the personal data cannot be read).

It is portable between SQLite and PostgreSQL. A restore goes into a migrated
database at the same migration state, in one transaction, and checks every
table's row count against the manifest before committing.
"""

import datetime
import hashlib
import importlib.metadata
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import django
from auditlog.context import disable_auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from qinqing.core import crypto
from qinqing.core.audit import record_event

FORMAT_VERSION = 1
DATA_FILE = "data.qinqing-json.gz"
MANIFEST_FILE = "manifest.json"
KEYS_DIR = "keys"
MEDIA_DIR = "media"
FIELD_KEY_FILE = "field.key"
SECRET_KEY_FILE = "secret.key"

# Created by migrate in every database (so not backed up), or worthless elsewhere.
NOT_BACKED_UP = ["contenttypes", "auth.Permission", "sessions"]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in Chinese."""


@dataclass
class BackupResult:
    directory: Path
    manifest: dict
    key_files: list[str]
    missing_files: list[str]  # referred to by a row, but not in storage


@dataclass
class RestoreResult:
    manifest: dict
    rows: int
    installed_field_key: bool


def _backed_up_models():
    """Every table the data file covers, many-to-many tables included."""
    skipped_apps = {label for label in NOT_BACKED_UP if "." not in label}
    skipped_models = {label.lower() for label in NOT_BACKED_UP if "." in label}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if meta.app_label in skipped_apps or meta.label_lower in skipped_models:
            continue
        yield model


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in _backed_up_models()}


def _migration_state() -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _app_version() -> str:
    try:
        return importlib.metadata.version("qinqing")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _key_files() -> dict[str, Path]:
    """The key files in use: only keys that do not come from the environment."""
    found = {}
    if not settings.QINQING_FIELD_KEY and settings.QINQING_FIELD_KEY_FILE.exists():
        found[FIELD_KEY_FILE] = settings.QINQING_FIELD_KEY_FILE
    secret = Path(settings.VAR_DIR) / SECRET_KEY_FILE
    if secret.exists() and secret.read_text().strip() == settings.SECRET_KEY:
        found[SECRET_KEY_FILE] = secret
    return found


def _audit_trail_type() -> ContentType:
    """What backup and restore events are recorded against: they concern the
    whole database, and the audit trail is what the restore brings back."""
    from qinqing.core.models import AuditEntry

    return ContentType.objects.get_for_model(AuditEntry)


def _referenced_files() -> list[str]:
    """Names of the stored files that rows refer to, from every model's FileFields."""
    names = set()
    for model in apps.get_models():
        for f in model._meta.local_concrete_fields:
            if isinstance(f, models.FileField):
                names |= set(
                    model._base_manager.exclude(**{f.attname: ""})
                    .exclude(**{f"{f.attname}__isnull": True})
                    .values_list(f.attname, flat=True)
                )
    return sorted(names)


def _copy_files_out(names: list[str], target: Path) -> tuple[dict[str, str], list[str]]:
    """Copy stored files into ``target``; returns their checksums and the missing ones."""
    copied, missing = {}, []
    for name in names:
        if not default_storage.exists(name):
            missing.append(name)
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out)
        _private_file(destination)
        copied[name] = _sha256(destination)
    return copied, missing


def _copy_files_in(directory: Path, files: dict[str, str]) -> None:
    for name, checksum in files.items():
        path = directory / MEDIA_DIR / name
        if not path.exists() or _sha256(path) != checksum:
            raise BackupError(f"备份中的文件 {MEDIA_DIR}/{name} 缺失或已损坏")
    for name in files:
        if default_storage.exists(name):
            default_storage.delete(name)  # the backup's copy is the one the rows refer to
        with (directory / MEDIA_DIR / name).open("rb") as source:
            saved = default_storage.save(name, File(source))
        if saved != name:
            raise BackupError(f"文件 {name} 无法按原名恢复（存储改名为 {saved}）")


def _private_file(path: Path) -> None:
    path.chmod(0o600)


def do_backup(directory: Path) -> BackupResult:
    """Write a backup of the database into ``directory`` (new or empty)."""
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"备份目录 {directory} 已存在且不为空：请指定新的目录")
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)  # it holds the whole directory of people
    data = directory / DATA_FILE
    # The data file is written under the current key, whichever key each row is under.
    field_key = crypto.configured_key_ids()[0]

    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            # One snapshot for every table, while the site keeps running.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command(
            "dumpdata",
            format="qinqing-json",
            natural_foreign=True,
            exclude=NOT_BACKED_UP,
            output=str(data),
            verbosity=0,
        )
        counts = _row_counts()
        migrations = _migration_state()
        stored_files = _referenced_files()
    _private_file(data)
    files, missing_files = _copy_files_out(stored_files, directory / MEDIA_DIR)

    copied = []
    for name, source in _key_files().items():
        (directory / KEYS_DIR).mkdir(exist_ok=True, mode=0o700)
        shutil.copyfile(source, directory / KEYS_DIR / name)
        _private_file(directory / KEYS_DIR / name)
        copied.append(name)

    manifest = {
        "format": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "app_version": _app_version(),
        "django_version": django.get_version(),
        "database": connection.vendor,
        "migrations": migrations,
        "row_counts": counts,
        "field_key": field_key,
        "key_files": copied,
        "files": files,
        "missing_files": missing_files,
        "data_file": DATA_FILE,
        "data_sha256": _sha256(data),
    }
    manifest_path = directory / MANIFEST_FILE
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    _private_file(manifest_path)

    with transaction.atomic():
        record_event(
            None,
            _audit_trail_type(),
            "backup",
            directory=str(directory),
            rows=sum(counts.values()),
            field_key=field_key,
        )
    return BackupResult(directory, manifest, copied, missing_files)


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST_FILE
    if not path.exists():
        raise BackupError(f"{directory} 中没有 {MANIFEST_FILE}：这不是一个备份目录")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise BackupError(f"{MANIFEST_FILE} 已损坏：{exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"不支持的备份格式版本：{manifest.get('format')}")
    return manifest


def _check_data_file(directory: Path, manifest: dict) -> Path:
    data = Path(directory) / manifest["data_file"]
    if not data.exists():
        raise BackupError(f"备份数据文件 {data.name} 不存在")
    if _sha256(data) != manifest["data_sha256"]:
        raise BackupError(f"备份数据文件 {data.name} 的校验值与清单不符：文件已损坏或被改动")
    return data


def _check_migrations(manifest: dict) -> None:
    def flat(state):
        return {f"{app}.{name}" for app, names in state.items() for name in names}

    backed_up, here = flat(manifest["migrations"]), flat(_migration_state())
    if backed_up != here:
        missing = sorted(backed_up - here)
        extra = sorted(here - backed_up)
        parts = []
        if missing:
            parts.append("本库缺少迁移 " + "、".join(missing[:10]))
        if extra:
            parts.append("本库多出迁移 " + "、".join(extra[:10]))
        raise BackupError(
            "数据库的迁移状态与备份不一致（" + "；".join(parts) + "）："
            "请用与备份相同的版本（" + str(manifest.get("app_version")) + "）运行 migrate 后再恢复"
        )


def _ensure_field_key(directory: Path, manifest: dict) -> bool:
    """Make sure the backup's field key is configured; install it from the backup
    when no key is configured at all. Returns whether a key file was installed."""
    installed = False
    backed_up_key = Path(directory) / KEYS_DIR / FIELD_KEY_FILE
    target = settings.QINQING_FIELD_KEY_FILE
    if not settings.QINQING_FIELD_KEY and not target.exists() and backed_up_key.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backed_up_key, target)
        _private_file(target)
        crypto.reset_keys()
        installed = True
    if manifest["field_key"] not in crypto.configured_key_ids():
        hint = f"（备份目录的 {KEYS_DIR}/{FIELD_KEY_FILE} 即是）" if backed_up_key.exists() else ""
        raise BackupError(
            f"备份中的个人信息使用密钥 {manifest['field_key']} 加密，本机未配置该密钥{hint}："
            "请将其设为 QINQING_FIELD_KEY，或列入 QINQING_FIELD_KEY_PREVIOUS"
        )
    return installed


def has_data() -> bool:
    """Whether the database has been used: a migrated database holds no account and
    no audit entry, and every write through the site leaves both."""
    from qinqing.core.models import AuditEntry

    return get_user_model()._base_manager.exists() or AuditEntry._base_manager.exists()


def _empty_tables() -> None:
    """Remove every row the backup will bring back (also what migrate installed).

    On PostgreSQL this is TRUNCATE, which the audit table's row trigger (it
    refuses UPDATE and DELETE) does not see; on SQLite there is no such trigger.
    """
    keep = {ContentType._meta.db_table, Permission._meta.db_table}
    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True)
        if table not in keep
    ]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def do_restore(directory: Path, *, force: bool = False) -> RestoreResult:
    """Load a backup into the migrated database, all or nothing.

    Refuses a database that holds data unless ``force``, which replaces it.
    """
    directory = Path(directory)
    manifest = read_manifest(directory)
    data = _check_data_file(directory, manifest)
    _check_migrations(manifest)
    if not force and has_data():
        raise BackupError(
            "数据库中已有数据（账号或审计记录）：恢复只能写入空库；确需覆盖请加 --force"
        )
    installed = _ensure_field_key(directory, manifest)
    # Files first: should the database part fail, they are only unreferenced copies.
    _copy_files_in(directory, manifest["files"])

    with transaction.atomic():
        _empty_tables()
        # Restored rows keep their own audit history; loading them is not a new change.
        with disable_auditlog():
            call_command("loaddata", str(data), verbosity=0)
        counts = _row_counts()
        wrong = {
            label: (expected, counts.get(label))
            for label, expected in manifest["row_counts"].items()
            if counts.get(label) != expected
        }
        if wrong:
            listed = "；".join(f"{label} 应为 {e} 条，实为 {c}" for label, (e, c) in wrong.items())
            raise BackupError(f"恢复后的行数与备份清单不符，已撤销恢复：{listed}")
        record_event(
            None,
            _audit_trail_type(),
            "restore",
            backup_created_at=manifest["created_at"],
            app_version=manifest["app_version"],
            rows=sum(manifest["row_counts"].values()),
            replaced_existing_data=force,
        )
    return RestoreResult(manifest, sum(counts.values()), installed)
