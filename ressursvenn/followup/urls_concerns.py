"""URL patterns of the follow-up area "concerns" (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.followup.views import concerns

urlpatterns: list[URLPattern] = [
    path("bekymringer/", concerns.concerns, name="concerns"),
    path("koblinger/<int:pk>/bekymring/", concerns.concern_new, name="concern_new"),
    path("bekymringer/<int:pk>/", concerns.concern_detail, name="concern_detail"),
    path("bekymringer/<int:pk>/mottatt/", concerns.concern_acknowledge, name="concern_acknowledge"),
    path("bekymringer/<int:pk>/lost/", concerns.concern_resolve, name="concern_resolve"),
]
