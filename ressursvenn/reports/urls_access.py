"""URL patterns of the access-log review and its export (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.reports import views_access

urlpatterns: list[URLPattern] = [
    path("tilgangslogg/", views_access.access_review_page, name="access_review"),
    path(
        "tilgangslogg/eksport/<slug:fmt>/",
        views_access.access_log_export,
        name="access_log_export",
    ),
]
