from django.urls import path

from qinqing.cases import views

urlpatterns = [
    path("", views.my_queue, name="case-my-queue"),
    path("all/", views.all_cases, name="case-all"),
    path("department/", views.department_queue, name="case-department-queue"),
    path("dispatch/", views.dispatch_queue, name="case-dispatch-queue"),
    path("board/", views.claim_board, name="case-board"),
    path("kpis/", views.kpi_page, name="case-kpis"),
    path("kpis/cases/", views.kpi_cases, name="case-kpi-cases"),
    path("new/", views.case_create, name="case-create"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/do/<slug:code>/", views.case_transition, name="case-transition"),
    path("<int:pk>/supervise/", views.case_supervise, name="case-supervise"),
    path("supervisions/<int:pk>/answer/", views.supervision_answer, name="supervision-answer"),
    path("attachments/<int:pk>/", views.attachment_download, name="case-attachment"),
]
