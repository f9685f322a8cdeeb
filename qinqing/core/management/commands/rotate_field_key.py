"""Move every encrypted value and lookup hash to the current QINQING_FIELD_KEY.

Before running: set the new key as QINQING_FIELD_KEY and the old one in
QINQING_FIELD_KEY_PREVIOUS on every web server and worker, and restart them, so
nothing is written under the old key any more. Re-running is safe and resumes.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qinqing.core import crypto
from qinqing.core.keyrotation import ModelTally, do_rotate_field_key, rows_under_previous_keys


def _ids(pks: list) -> str:
    shown = ", ".join(str(pk) for pk in pks[:20])
    return shown + ("…" if len(pks) > 20 else "")


class Command(BaseCommand):
    help = "用当前的 QINQING_FIELD_KEY 重新加密全部个人信息（可中断、可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="只检查：统计仍需旧密钥才能读取的记录，不做修改；有则以状态码 1 退出",
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="每批处理的记录数（每批一个事务）"
        )
        parser.add_argument(
            "--batches",
            type=int,
            default=None,
            help="处理这么多批后停止（分时段轮换；再次运行即从头检查并继续）",
        )

    def handle(self, *args, check=False, batch_size=500, batches=None, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 应为正整数")
        if batches is not None and batches < 1:
            raise CommandError("--batches 应为正整数")
        crypto.configured_key_ids()  # a malformed key stops here, before any row is read
        finished = True
        if not check:
            finished = self._rotate(batch_size, batches)
        # A run stopped on purpose (--batches) is expected to leave rows behind.
        self._check(fail_if_any_left=finished)

    def _rotate(self, batch_size: int, batches: int | None) -> bool:
        current = crypto.configured_key_ids()[0]
        self.stdout.write(f"当前密钥 {current}；开始重新加密（每批 {batch_size} 条）")

        def progress(tally: ModelTally) -> None:
            self.stdout.write(
                f"  {tally.verbose_name}（{tally.label}）：已检查 {tally.checked} 条，"
                f"已改写 {tally.rewritten} 条"
            )

        result = do_rotate_field_key(batch_size=batch_size, max_batches=batches, progress=progress)
        for tally in result.tallies:
            self.stdout.write(
                f"{tally.verbose_name}：检查 {tally.checked} 条，改写 {tally.rewritten} 条"
            )
            if tally.conflicting:
                self.stdout.write(
                    self.style.WARNING(
                        f"  {len(tally.conflicting)} 条与另一条记录的号码重复"
                        f"（主键 {_ids(tally.conflicting)}），未改写：请人工合并后再运行"
                    )
                )
            if tally.changed_meanwhile:
                self.stdout.write(
                    f"  {len(tally.changed_meanwhile)} 条在处理期间被他人修改（已按新密钥保存）"
                )
        if not result.finished:
            self.stdout.write(
                self.style.WARNING(f"已按 --batches={batches} 停止；再次运行即可继续")
            )
        return result.finished

    def _check(self, *, fail_if_any_left: bool) -> None:
        tallies = rows_under_previous_keys()
        problems = []
        for tally in tallies:
            if tally.stale:
                problems.append(
                    f"{tally.verbose_name}（{tally.label}）有 {len(tally.stale)} 条仍使用旧密钥"
                    f"（主键 {_ids(tally.stale)}）"
                )
            if tally.unreadable:
                problems.append(
                    f"{tally.verbose_name}（{tally.label}）有 {len(tally.unreadable)} 条"
                    f"无法用任何已配置的密钥解密（主键 {_ids(tally.unreadable)}）"
                )
        checked = sum(t.checked for t in tallies)
        if problems and not fail_if_any_left:
            for line in problems:
                self.stdout.write(self.style.WARNING(line))
            return
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(
                "仍有记录需要旧密钥：请保留 QINQING_FIELD_KEY_PREVIOUS，"
                "运行 manage.py rotate_field_key 后再检查"
            )
        if settings.QINQING_FIELD_KEY_PREVIOUS.strip():
            advice = "可以移除 QINQING_FIELD_KEY_PREVIOUS，然后重启各服务"
        else:
            advice = "未配置旧密钥"
        self.stdout.write(
            self.style.SUCCESS(f"已检查 {checked} 条记录，全部使用当前密钥：{advice}")
        )
