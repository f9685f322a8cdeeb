from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qinqing.core"
    label = "core"
    verbose_name = "基础平台"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from qinqing.core import audit, checks, import_kinds, letting, security  # noqa: F401

        audit.register_models()
        letting.install()
        import_kinds.register()
        user_login_failed.connect(
            security.record_login_failure, dispatch_uid="qinqing-login-failed"
        )
