"""Back up the whole database (and the key files, if keys come from files) into a directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.backup import BackupError, do_backup


class Command(BaseCommand):
    help = "把整个数据库备份到一个新目录（可在 SQLite 与 PostgreSQL 之间恢复）"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="备份目录：不存在或为空")

    def handle(self, *args, directory: Path, **options):
        try:
            result = do_backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        rows, tables = sum(manifest["row_counts"].values()), len(manifest["row_counts"])
        self.stdout.write(
            f"已备份 {rows} 行（{tables} 张表）、{len(manifest['files'])} 个附件"
            f"到 {result.directory}；个人信息密钥编号 {manifest['field_key']}"
        )
        if result.missing_files:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.missing_files)} 个附件在存储中找不到，未能备份："
                    + "、".join(result.missing_files[:10])
                )
            )
        if "field.key" in result.key_files:
            self.stdout.write(
                self.style.WARNING(
                    "备份目录的 keys/ 中含有个人信息密钥：请与数据分开保管"
                    "（持有二者即可读取全部个人信息）"
                )
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "个人信息密钥来自环境变量 QINQING_FIELD_KEY，未写入备份："
                    f"请确认已另行保存编号为 {manifest['field_key']} 的密钥，否则无法恢复个人信息"
                )
            )
