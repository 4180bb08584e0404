"""Surveys URLs, joined from one module per area: the questionnaires (staff, volunteer and the
woman's one-time link) and the programme's reporting periods and targets."""

from ressursvenn.surveys import urls_questionnaires, urls_targets

app_name = "surveys"
urlpatterns = [
    *urls_questionnaires.urlpatterns,
    *urls_targets.urlpatterns,
]
