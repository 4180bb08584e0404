"""Follow-up URLs, joined from one module per area."""

from ressursvenn.followup import (
    urls_activities,
    urls_checkins,
    urls_closure,
    urls_concerns,
    urls_events,
    urls_meetings,
    urls_pauses,
    urls_tasks,
)

app_name = "followup"
urlpatterns = [
    *urls_activities.urlpatterns,
    *urls_meetings.urlpatterns,
    *urls_checkins.urlpatterns,
    *urls_concerns.urlpatterns,
    *urls_pauses.urlpatterns,
    *urls_closure.urlpatterns,
    *urls_events.urlpatterns,
    *urls_tasks.urlpatterns,
]
