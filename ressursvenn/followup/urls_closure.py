"""URL patterns of the follow-up area "closure" (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.followup.views import closure

urlpatterns: list[URLPattern] = [
    path("koblinger/<int:pk>/forleng/", closure.extend, name="extend"),
    path("koblinger/<int:pk>/avslutt/", closure.close, name="close"),
    path(
        "koblinger/<int:pk>/avslutt/samtale/<str:party>/",
        closure.closing_conversation,
        name="closing_conversation",
    ),
]
