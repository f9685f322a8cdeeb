from django.urls import path

from qinqing.core.views import home

urlpatterns = [
    path("", home.home, name="home"),
]
