"""URL patterns of the programme dashboard and "Om tallene" (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.reports import views_dashboard

urlpatterns: list[URLPattern] = [
    path("tall/", views_dashboard.dashboard_page, name="dashboard"),
    path("om-tallene/", views_dashboard.about_figures, name="about_figures"),
]
