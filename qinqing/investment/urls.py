from django.urls import path

from qinqing.investment.views import forms, matters, projects, tasks

urlpatterns = [
    path("", projects.board, name="investment-board"),
    path("projects/new/", forms.project_create, name="investment-project-create"),
    path("projects/<int:pk>/", projects.project_detail, name="investment-project"),
    path("projects/<int:pk>/matters/new/", forms.matter_create, name="investment-matter-create"),
    path("projects/<int:pk>/problems/new/", forms.problem_create, name="investment-problem-create"),
    path("projects/<int:pk>/plan/", forms.project_plan, name="investment-project-plan"),
    path("projects/<int:pk>/parcels/new/", forms.parcel_create, name="investment-parcel-create"),
    path("teams/new/", forms.team_create, name="investment-team-create"),
    path("tasks/new/", forms.task_create, name="investment-task-create"),
    path("milestones/<int:pk>/done/", projects.milestone_done, name="investment-milestone-done"),
    path("matters/", matters.matter_list, name="investment-matters"),
    path("matters/<int:pk>/", matters.matter_detail, name="investment-matter"),
    path("materials/<int:pk>/toggle/", matters.material_toggle, name="investment-material"),
    path("tasks/", tasks.task_board, name="investment-tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="investment-task"),
    path("tasks/<int:pk>/claim/", tasks.task_claim, name="investment-task-claim"),
    path("tasks/<int:pk>/report/", tasks.task_report, name="investment-task-report"),
    path("sub-goals/<int:pk>/done/", tasks.subgoal_done, name="investment-subgoal-done"),
]
