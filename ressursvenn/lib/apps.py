from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "ressursvenn.lib"
    label = "lib"
    verbose_name = "Revisjon"

    def ready(self) -> None:
        from django.core import checks

        from ressursvenn.lib.checks import check_field_keys

        checks.register(check_field_keys, checks.Tags.security, deploy=False)
