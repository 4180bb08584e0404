"""URL patterns of the follow-up area "events" (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.followup.views import events

urlpatterns: list[URLPattern] = [
    path("treff/", events.event_list, name="events"),
    path("treff/nytt/", events.event_new, name="event_new"),
    path("treff/<int:pk>/", events.event_detail, name="event_detail"),
    path("treff/<int:pk>/endre/", events.event_edit, name="event_edit"),
    path("treff/<int:pk>/avlys/", events.event_cancel, name="event_cancel"),
    path("treff/<int:pk>/svar/", events.event_answer, name="event_answer"),
    path("treff/<int:pk>/oppmote/", events.event_attendance, name="event_attendance"),
]
