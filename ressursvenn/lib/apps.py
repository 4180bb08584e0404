from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "ressursvenn.lib"
    label = "lib"
    verbose_name = "Revisjon"

    def ready(self) -> None:
        from django.core import checks

        from ressursvenn.lib.checks import check_field_keys, check_shared_cache

        checks.register(check_field_keys, checks.Tags.security, deploy=False)
        checks.register(check_shared_cache, checks.Tags.caches, deploy=False)
