"""Restore a backup made by ``manage.py backup`` into an empty, migrated database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.backup import BackupError, do_restore


class Command(BaseCommand):
    help = "把备份恢复到已迁移的空数据库（一个事务：要么全部恢复，要么不变）"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="manage.py backup 写出的备份目录")
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库中已有数据时也恢复：先清空现有数据（含审计记录），再写入备份",
        )

    def handle(self, *args, directory: Path, force: bool = False, **options):
        try:
            result = do_restore(directory, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if result.installed_field_key:
            self.stdout.write("已从备份安装个人信息密钥文件")
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 {result.rows} 行、{len(manifest['files'])} 个附件"
                f"（备份于 {manifest['created_at']}，版本 {manifest['app_version']}），"
                "各表行数与备份清单一致"
            )
        )
