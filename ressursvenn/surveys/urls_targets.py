"""URL patterns of the reporting periods and their targets (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.surveys.views import targets

urlpatterns: list[URLPattern] = [
    path("mal/", targets.targets, name="targets"),
    path("mal/ny-periode/", targets.period_new, name="period_new"),
    path("mal/periode/<int:pk>/", targets.period_detail, name="period_detail"),
    path("mal/periode/<int:pk>/endre/", targets.period_edit, name="period_edit"),
    path("mal/periode/<int:pk>/slett/", targets.period_delete, name="period_delete"),
    path("mal/<int:pk>/endre/", targets.target_edit, name="target_edit"),
    path("mal/<int:pk>/slett/", targets.target_delete, name="target_delete"),
]
