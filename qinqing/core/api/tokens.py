"""Personal access tokens: issuing and revoking them, and the endpoints for one's own.

The two ``do_*`` functions are the token services, used by these endpoints and
by ``manage.py issue_api_token``; both are audited.
"""

import datetime

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status

from qinqing.core import audit
from qinqing.core.api.schemas import RecordId, TokenCreatedOut, TokenIn, TokenOut, errors
from qinqing.core.models import ApiToken, User
from qinqing.core.services import Forbidden, InvalidInput

router = Router(tags=["账号"])

MAX_TOKEN_DAYS = 3650
TOKEN_LABELS = {"name": "用途", "days": "有效天数"}


def do_issue_api_token(
    actor: User | None, owner: User, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``owner``; the key is returned here only, its hash is stored."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = ["必填"]
    elif len(name) > 100:
        errors["name"] = ["最多100个字符"]
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = [f"应为1至{MAX_TOKEN_DAYS}天"]
    if errors:
        raise InvalidInput(errors, TOKEN_LABELS)
    expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
    with transaction.atomic():
        token, key = ApiToken.issue(owner, name, expires_at=expires_at)
        audit.record_event(
            actor,
            token,
            "token_issued",
            owner=owner.username,
            expires_at=timezone.localtime(expires_at).isoformat() if expires_at else None,
        )
    return token, key


def do_revoke_api_token(actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke ``token`` from now on; revoking a revoked token changes nothing."""
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record_event(actor, token, "token_revoked", owner=token.user.username)
    return token


def _own_tokens(request):
    # Tokens have no visibility rule in access: each user sees exactly their own.
    return ApiToken.objects.filter(user=request.auth).order_by("-created_at", "-pk")


@router.get("/tokens", response=list[TokenOut], summary="我的访问令牌")
def list_tokens(request):
    """只显示前缀；完整令牌只在生成时显示一次。"""
    return _own_tokens(request)


@router.post(
    "/tokens", response={201: TokenCreatedOut, **errors(400, 403, 422)}, summary="生成访问令牌"
)
def create_token(request, payload: TokenIn):
    """只能在登录的浏览器会话中生成（用令牌调用时 403），以免令牌自行续期。"""
    if getattr(request, "api_token", None) is not None:
        raise Forbidden("tokens cannot issue tokens")
    token, key = do_issue_api_token(request.auth, request.auth, payload.name, payload.days)
    token.key = key
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None, **errors(404)}, summary="吊销访问令牌")
def revoke_token(request, token_id: RecordId):
    """吊销后使用该令牌的请求一律 401。只能吊销自己的令牌。"""
    do_revoke_api_token(request.auth, get_object_or_404(_own_tokens(request), pk=token_id))
    return Status(204, None)
