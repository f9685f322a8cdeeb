from django.apps import AppConfig


class LettingAppConfig(AppConfig):
    """A module in miniature that declares seats and bookable resources, for tests only."""

    name = "tests.letting_app"
    label = "letting_app"
    default_auto_field = "django.db.models.BigAutoField"
