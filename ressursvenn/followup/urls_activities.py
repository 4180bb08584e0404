"""URL patterns of the follow-up area "activities" (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.followup.views import activities

urlpatterns: list[URLPattern] = [
    path("koblinger/<int:pk>/aktiviteter/", activities.activity_list, name="activities"),
    path("koblinger/<int:pk>/aktiviteter/ny/", activities.activity_new, name="activity_new"),
    path(
        "koblinger/<int:pk>/aktiviteter/som-sist/",
        activities.activity_repeat,
        name="activity_repeat",
    ),
    path("aktiviteter/<int:pk>/rett/", activities.activity_edit, name="activity_edit"),
    path("aktiviteter/<int:pk>/slett/", activities.activity_delete, name="activity_delete"),
]
