"""URL patterns of the exports and the funder report (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.reports import views_exports

urlpatterns: list[URLPattern] = [
    path("tall/eksport/<slug:fmt>/", views_exports.export, name="export"),
    path("tilskuddsrapport/", views_exports.funder_report, name="funder_report"),
    path("tilskuddsrapport/pdf/", views_exports.funder_report_pdf, name="funder_report_pdf"),
]
