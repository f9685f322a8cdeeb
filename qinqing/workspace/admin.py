from django.contrib import admin

from qinqing.workspace import models

for model in (models.Terms, models.ServiceProvider, models.Campaign):
    admin.site.register(model)
