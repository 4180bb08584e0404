"""URL patterns of the match pages and the koblingsmøte (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.matching.views import matches, meetings

urlpatterns: list[URLPattern] = [
    path("koblinger/", matches.match_list, name="matches"),
    path("koblinger/<int:pk>/", matches.match_detail, name="match_detail"),
    path("koblinger/<int:pk>/avbryt/", matches.match_cancel, name="match_cancel"),
    path("koblinger/<int:pk>/koblingsmote/", meetings.meeting_plan, name="meeting_plan"),
    path("koblinger/<int:pk>/koblingsmote.ics", meetings.meeting_ics, name="meeting_ics"),
    path(
        "koblinger/<int:pk>/koblingsmote/utfall/", meetings.meeting_outcome, name="meeting_outcome"
    ),
]
