from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from qinqing.api import api

admin.site.site_header = "亲清 管理后台"
admin.site.site_title = "亲清"
admin.site.index_title = "后台数据管理"

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("cases/", include("qinqing.cases.urls")),
    path("station/", include("qinqing.enterprise.urls")),
    path("cockpit/", include("qinqing.cockpit.urls")),
    path("investment/", include("qinqing.investment.urls")),
    path("medinsure/", include("qinqing.medinsure.urls")),
    path("veterans/", include("qinqing.veterans.urls")),
    path("talent/", include("qinqing.talent.urls")),
    path("workspace/", include("qinqing.workspace.urls")),
    path("", include("qinqing.core.urls")),
]
