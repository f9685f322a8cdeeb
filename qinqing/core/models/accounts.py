"""Accounts: one user model, a role per account, scoped to regions."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from qinqing.core.fields import EncryptedCharField
from qinqing.core.masking import mask_phone


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    LEADER = "leader", "领导"
    STAFF = "staff", "工作人员"
    HANDLER = "handler", "部门经办人"
    ENTERPRISE = "enterprise", "企业用户"
    RESIDENT = "resident", "个人用户"


STAFF_ROLES = {Role.ADMIN, Role.LEADER, Role.STAFF, Role.HANDLER}


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=12, choices=Role.choices, default=Role.RESIDENT)
    department = models.ForeignKey(
        "core.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    regions = models.ManyToManyField(
        "core.Region",
        verbose_name="负责区划",
        blank=True,
        related_name="+",
        help_text="工作人员只能看到这些区划（含下级）内的企业和人员",
    )
    enterprise = models.ForeignKey(
        "core.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    person = models.OneToOneField(
        "core.Person",
        verbose_name="对应人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    phone = EncryptedCharField("手机号（接收通知）", blank=True, default="")
    quiet_hours_start = models.TimeField("免打扰开始", null=True, blank=True)
    quiet_hours_end = models.TimeField("免打扰结束", null=True, blank=True)
    must_change_password = models.BooleanField(
        "须修改密码",
        default=False,
        help_text="由管理员设置的临时密码：登录后须先修改密码才能使用系统",
    )

    class Meta:
        verbose_name = verbose_name_plural = "账号"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="enterprise") | models.Q(enterprise__isnull=False),
                name="enterprise_account_has_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_back_office(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def region_prefixes(self) -> list[str]:
        return [region.prefix for region in self.regions.all()]


class ApiToken(models.Model):
    """A personal access token for machine clients; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    key_prefix = models.CharField("前缀", max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "访问令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, expires_at=None) -> tuple["ApiToken", str]:
        key = "qq_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_prefix=key[:8],
            key_hash=cls.hash_key(key),
            expires_at=expires_at,
        )
        return token, key

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
