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
