from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "ressursvenn.matching"
    verbose_name = _("Kobling")

    def ready(self) -> None:
        # participants sits below matching and reaches it only through its hooks
        # (participants/hooks.py): a withdrawn referral or consent cancels the open match.
        from ressursvenn.matching.actions.matches import cancel_for_withdrawn_referral
        from ressursvenn.participants import hooks

        hooks.register(hooks.on_referral_withdrawn, cancel_for_withdrawn_referral)

        # The triggers that keep the matching pool's version (profile_cache.py): a migration
        # may rebuild the volunteer table (SQLite then drops them), so install them again.
        from django.db.models.signals import post_migrate

        from ressursvenn.matching import profile_cache

        post_migrate.connect(profile_cache.reinstall_after_migrate, sender=self)
