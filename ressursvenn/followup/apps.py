from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "ressursvenn.followup"
    verbose_name = _("Oppfølging")

    def ready(self) -> None:
        # matching sits below followup and reaches it only through its hooks
        # (matching/hooks.py): an activated match gets its check-in schedule, and the match
        # page shows the follow-up sections.
        from ressursvenn.followup import sections
        from ressursvenn.followup.actions.checkins import create_schedule
        from ressursvenn.matching import hooks

        hooks.register(hooks.on_match_activated, create_schedule)
        hooks.register(hooks.match_page_sections, sections.match_sections)
