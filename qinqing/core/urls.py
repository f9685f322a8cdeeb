from django.urls import path

from qinqing.core.views import accounts, audit, directory, home, imports, notifications, visits

urlpatterns = [
    path("", home.home, name="home"),
]
# Each area's pages add their own routes below (one line per views module).
urlpatterns += notifications.urlpatterns
urlpatterns += imports.urlpatterns
urlpatterns += directory.urlpatterns
urlpatterns += visits.urlpatterns
urlpatterns += audit.urlpatterns
urlpatterns += accounts.urlpatterns
