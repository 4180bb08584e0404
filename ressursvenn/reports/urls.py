"""Reports URLs: the audit review, the access-log review, the programme dashboard and its
exports."""

from django.urls import path

from ressursvenn.reports import urls_access, urls_dashboard, urls_exports, views_audit

app_name = "reports"

urlpatterns: list = [
    path("revisjon/", views_audit.audit, name="audit"),
    *urls_dashboard.urlpatterns,
    *urls_exports.urlpatterns,
    *urls_access.urlpatterns,
]
