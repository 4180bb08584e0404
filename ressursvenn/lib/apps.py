from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "ressursvenn.lib"
    label = "lib"
    verbose_name = "Revisjon"

    def ready(self) -> None:
        from django.core import checks

        from ressursvenn.lib.checks import (
            check_database_reachable,
            check_field_keys,
            check_mail_delivery,
            check_shared_cache,
        )

        checks.register(check_field_keys, checks.Tags.security, deploy=False)
        checks.register(check_shared_cache, checks.Tags.caches, deploy=False)
        checks.register(check_mail_delivery, checks.Tags.compatibility, deploy=False)
        checks.register(check_database_reachable, checks.Tags.database)
