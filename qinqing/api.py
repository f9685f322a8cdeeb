"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from qinqing.cases.api import router as cases_router
from qinqing.core.api.base import build_api
from qinqing.enterprise.api import router as enterprise_router
from qinqing.workspace.api import router as workspace_router

api = build_api()
api.add_router("/", cases_router)
api.add_router("/", enterprise_router)
api.add_router("/", workspace_router)
