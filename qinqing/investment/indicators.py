"""The agency's figures for the cockpit (驾驶舱), computed from the records each time.

There is no cockpit registry yet: ``figures(user)`` is what the cockpit will call
for this module, over the records the user may see. Case figures (matters on time,
problems solved, claims) are also the engine's indicators on the KPI page.
"""

from dataclasses import dataclass
from decimal import Decimal

from qinqing.core import access
from qinqing.investment import services
from qinqing.investment.models import KeyTask, Project, Team


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    value: Decimal | int | float | None
    unit: str


def figures(user) -> list[Figure]:
    projects = access.visible(Project, user)
    headline = services.figures(projects)
    agency = services.agency_figures(projects)
    board = services.team_board(access.visible(Team, user))
    tasks = access.visible(KeyTask, user).count()
    return [
        Figure("investment.projects", "招商项目", headline["projects"], "个"),
        Figure("investment.total", "总投资", headline["investment"], "万元"),
        Figure("investment.quick_start", "拿地即开工项目", headline["quick_start"], "个"),
        Figure(
            "investment.delist_to_start",
            "摘牌至开工（平均）",
            headline["avg_delist_to_start_days"],
            "天",
        ),
        Figure(
            "investment.start_to_completion",
            "开工至竣工（平均）",
            headline["avg_start_to_completion_months"],
            "月",
        ),
        Figure("investment.visits", "代办队走访", agency["visits"], "次"),
        Figure("investment.matters", "代办事项", agency["matters"], "件"),
        Figure("investment.problems_solved", "问题解决", agency["problems_solved"], "个"),
        Figure("investment.tasks", "揭榜任务", tasks, "项"),
        Figure(
            "investment.tasks_on_time", "按期完成揭榜任务", sum(r["on_time"] for r in board), "项"
        ),
    ]
