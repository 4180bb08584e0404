"""URL patterns of the follow-up area "checkins" (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.followup.views import checkins

urlpatterns: list[URLPattern] = [
    path("samtaler/", checkins.checkins_due, name="checkins_due"),
    path("samtaler/<int:pk>/", checkins.checkin_record, name="checkin_record"),
    path("veiledningsmote/<int:pk>/samtaler/", checkins.group_checkin, name="group_checkin"),
]
