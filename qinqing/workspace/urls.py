from django.urls import path

from qinqing.workspace.views import pages

urlpatterns = [
    path("", pages.home, name="workspace-home"),
    path("mine/", pages.mine, name="workspace-mine"),
]
