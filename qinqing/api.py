"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from qinqing.cases.api import router as cases_router
from qinqing.core.api.base import build_api
from qinqing.enterprise.api import router as enterprise_router
from qinqing.investment.api import router as investment_router
from qinqing.medinsure.api import router as medinsure_router
from qinqing.talent.api import router as talent_router
from qinqing.veterans.api import router as veterans_router
from qinqing.workspace.api import router as workspace_router

api = build_api()
api.add_router("/", cases_router)
api.add_router("/", enterprise_router)
api.add_router("/", investment_router)
api.add_router("/", medinsure_router)
api.add_router("/", veterans_router)
api.add_router("/", talent_router)
api.add_router("/", workspace_router)
