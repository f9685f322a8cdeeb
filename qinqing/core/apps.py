from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qinqing.core"
    label = "core"
    verbose_name = "基础平台"

    def ready(self) -> None:
        from qinqing.core import audit, checks, import_kinds, letting  # noqa: F401 (checks register)

        audit.register_models()
        letting.install()
        import_kinds.register()
