from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "qinqing.enterprise"
    label = "enterprise"
    verbose_name = "爱企服务站"

    def ready(self) -> None:
        from qinqing.core.context_processors import NAVIGATION
        from qinqing.enterprise import access_rules, case_types, indicators

        access_rules.install()
        case_types.register()
        indicators.register()
        NAVIGATION.append(("企业服务", "station-home", "enterprise.view_problem"))
