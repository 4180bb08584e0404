"""Courses and guidance groups (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.volunteers.views import courses, guidance

urlpatterns: list[URLPattern] = [
    path("kurs/", courses.course_list, name="courses"),
    path("kurs/nytt/", courses.course_create, name="course_create"),
    path("kurs/<int:pk>/", courses.course_detail, name="course_detail"),
    path("kurs/<int:pk>/endre/", courses.course_edit, name="course_edit"),
    path("kurs/<int:pk>/kursdag/ny/", courses.session_add, name="session_add"),
    path("kurs/<int:pk>/pamelding/ny/", courses.enrol, name="enrol"),
    path("kurs/<int:pk>/meld-pa/", courses.course_signup, name="course_signup"),
    path("kurs/<int:pk>/meld-av/", courses.course_cancel_signup, name="course_cancel_signup"),
    path("kurs/kursdag/<int:pk>/oppmote/", courses.attendance, name="attendance"),
    path("veiledning/", guidance.guidance_groups, name="guidance_groups"),
    path("veiledning/ny/", guidance.guidance_create, name="guidance_create"),
    path("veiledning/<int:pk>/", guidance.guidance_detail, name="guidance_detail"),
    path("veiledning/<int:pk>/deltakere/", guidance.guidance_members, name="guidance_members"),
    path(
        "veiledning/<int:pk>/mote/ny/", guidance.guidance_session_add, name="guidance_session_add"
    ),
    path(
        "veiledning/mote/<int:pk>/oppmote/",
        guidance.guidance_attendance,
        name="guidance_attendance",
    ),
]
