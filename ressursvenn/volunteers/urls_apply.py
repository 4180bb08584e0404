"""Public application URLs (no login): "Bli ressursvenn" and its thank-you page."""

from django.urls import URLPattern, path

from ressursvenn.volunteers.views import apply

urlpatterns: list[URLPattern] = [
    path("bli-ressursvenn/", apply.apply, name="apply"),
    path("bli-ressursvenn/takk/", apply.apply_done, name="apply_done"),
]
