"""Registers the core routers on the API."""

from ninja import Router, Schema

from qinqing.core.api import audit, directory, tokens, visits

router = Router(tags=["账号"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str


@router.get("/me", response=MeOut, summary="当前账号")
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "role_label": user.get_role_display(),
    }


def register(api) -> None:
    api.add_router("/", router)
    api.add_router("/", tokens.router)
    api.add_router("/", directory.router)
    api.add_router("/", visits.router)
    api.add_router("/", audit.router)
    api.add_router("/", "qinqing.core.api.notifications.router")
    api.add_router("/", "qinqing.core.api.imports.router")
