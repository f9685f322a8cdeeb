from django.urls import path

from qinqing.enterprise import views

urlpatterns = [
    path("", views.station_home, name="station-home"),
    path("call/", views.instant_call, name="station-call"),
    path("liaisons/", views.liaison_list, name="station-liaisons"),
    path(
        "liaisons/<int:enterprise_pk>/assign/", views.liaison_assign, name="station-liaison-assign"
    ),
    path("visits/", views.visit_schedule, name="station-schedule"),
    path("problems/", views.problem_list, name="station-problems"),
    path("problems/new/", views.problem_create, name="station-problem-create"),
    path("sessions/", views.session_list, name="station-sessions"),
    path("sessions/<int:pk>/sign-up/", views.session_sign_up, name="station-session-sign-up"),
    path("enterprises/<int:pk>/", views.enterprise_file, name="station-enterprise"),
    path("land/", views.land_ledger, name="station-land"),
    path("land/<int:pk>/status/", views.land_status, name="station-land-status"),
    path("grading/", views.grading_page, name="station-grading"),
    path("grading/import/", views.grading_import, name="station-grading-import"),
    path("grading/<int:pk>/", views.grade_detail, name="station-grade"),
]
