"""URL patterns of the follow-up area "pauses" (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.followup.views import pauses

urlpatterns: list[URLPattern] = [
    path("koblinger/<int:pk>/pause/", pauses.pause, name="pause"),
    path("koblinger/<int:pk>/gjenoppta/", pauses.resume, name="resume"),
]
