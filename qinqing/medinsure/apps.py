from django.apps import AppConfig


class MedinsureConfig(AppConfig):
    name = "qinqing.medinsure"
    label = "medinsure"
    verbose_name = "清廉医保"
