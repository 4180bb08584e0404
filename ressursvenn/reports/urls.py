from django.urls import path

from ressursvenn.reports import views_audit

app_name = "reports"

urlpatterns: list = [
    path("revisjon/", views_audit.audit, name="audit"),
]
