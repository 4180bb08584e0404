"""Volunteer URLs: public application, self-service, screening, courses and guidance."""

from ressursvenn.volunteers import urls_apply, urls_courses, urls_screening, urls_self

app_name = "volunteers"
urlpatterns = [
    *urls_apply.urlpatterns,
    *urls_self.urlpatterns,
    *urls_screening.urlpatterns,
    *urls_courses.urlpatterns,
]
