from django.urls import path

from qinqing.enterprise.views import calls, file, grading, home, land, sessions, visits

urlpatterns = [
    path("", home.station_home, name="station-home"),
    path("call/", calls.instant_call, name="station-call"),
    path("liaisons/", visits.liaison_list, name="station-liaisons"),
    path(
        "liaisons/<int:enterprise_pk>/assign/", visits.liaison_assign, name="station-liaison-assign"
    ),
    path("visits/", visits.visit_schedule, name="station-schedule"),
    path("problems/", calls.problem_list, name="station-problems"),
    path("problems/new/", calls.problem_create, name="station-problem-create"),
    path("sessions/", sessions.session_list, name="station-sessions"),
    path("sessions/<int:pk>/sign-up/", sessions.session_sign_up, name="station-session-sign-up"),
    path("enterprises/<int:pk>/", file.enterprise_file, name="station-enterprise"),
    path("land/", land.land_ledger, name="station-land"),
    path("land/<int:pk>/status/", land.land_status, name="station-land-status"),
    path("grading/", grading.grading_page, name="station-grading"),
    path("grading/import/", grading.grading_import, name="station-grading-import"),
    path("grading/<int:pk>/", grading.grade_detail, name="station-grade"),
]
