from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "ressursvenn.surveys"
    verbose_name = _("Spørreskjema og mål")

    def ready(self) -> None:
        # matching and followup sit below surveys and reach it only through their hooks:
        # the match page shows the questionnaires section (matching/hooks.py), and the task
        # list asks for the questionnaire tasks (followup/tasks.py `task_providers`).
        from ressursvenn.followup import tasks as followup_tasks
        from ressursvenn.matching import hooks
        from ressursvenn.surveys import sections, tasks

        hooks.register(hooks.match_page_sections, sections.section)
        hooks.register(followup_tasks.task_providers, tasks.survey_tasks)
