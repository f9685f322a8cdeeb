"""manage.py issue_api_token <username> <name> [--days N]: a personal access token, shown once."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qinqing.core.api.tokens import MAX_TOKEN_DAYS, do_issue_api_token
from qinqing.core.models import User
from qinqing.core.services import InvalidInput


class Command(BaseCommand):
    help = "为账号生成个人访问令牌（只显示一次；只保存其摘要）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="账号用户名")
        parser.add_argument("name", help="用途，如“统计局数据对接”")
        parser.add_argument(
            "--days", type=int, default=None, help=f"有效天数（1至{MAX_TOKEN_DAYS}），默认长期有效"
        )

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号不存在：{username}")
        if not user.is_active:
            raise CommandError(f"账号已停用：{username}")
        try:
            token, key = do_issue_api_token(None, user, name, days)
        except InvalidInput as exc:
            raise CommandError(exc.summary) from None
        # The key alone on stdout, so that scripts can capture it; the notes go to stderr.
        self.stdout.write(key)
        expiry = (
            f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M} 过期"
            if token.expires_at
            else "长期有效"
        )
        self.stderr.write(
            f"已为 {user.username} 生成令牌“{token.name}”（{token.key_prefix}…，{expiry}）。"
            "令牌只显示这一次，请立即妥善保存。"
        )
