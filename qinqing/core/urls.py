from django.urls import path

from qinqing.core.views import home

urlpatterns = [
    path("", home.home, name="home"),
]
# Each area's pages add their own routes below (one line per views module).
