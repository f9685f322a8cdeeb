from django.urls import path

from qinqing.investment.views import matters, projects, tasks

urlpatterns = [
    path("", projects.board, name="investment-board"),
    path("projects/<int:pk>/", projects.project_detail, name="investment-project"),
    path("milestones/<int:pk>/done/", projects.milestone_done, name="investment-milestone-done"),
    path("matters/", matters.matter_list, name="investment-matters"),
    path("matters/<int:pk>/", matters.matter_detail, name="investment-matter"),
    path("materials/<int:pk>/toggle/", matters.material_toggle, name="investment-material"),
    path("tasks/", tasks.task_board, name="investment-tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="investment-task"),
    path("tasks/<int:pk>/claim/", tasks.task_claim, name="investment-task-claim"),
    path("tasks/<int:pk>/report/", tasks.task_report, name="investment-task-report"),
]
