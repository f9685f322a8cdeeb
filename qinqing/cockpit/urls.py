from django.urls import path

from qinqing.cockpit import views

urlpatterns = [
    path("", views.home, name="cockpit-home"),
    path("cases/", views.case_rows, name="cockpit-cases"),
    path("figures/<str:code>/", views.figure_rows, name="cockpit-figure"),
    path("<slug:module>/", views.module_page, name="cockpit-module"),
]
