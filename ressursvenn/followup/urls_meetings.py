"""URL patterns of the follow-up area "meetings" (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.followup.views import meetings

urlpatterns: list[URLPattern] = [
    path("koblinger/<int:pk>/videorom/nytt/", meetings.room_renew, name="pair_room_renew"),
    path("koblinger/<int:pk>/moter/nytt/", meetings.pair_meeting_new, name="pair_meeting_new"),
    path("moter/<int:pk>/flytt/", meetings.pair_meeting_edit, name="pair_meeting_edit"),
    path("moter/<int:pk>/avlys/", meetings.pair_meeting_cancel, name="pair_meeting_cancel"),
    path("moter/<int:pk>/kalender.ics", meetings.pair_meeting_ics, name="pair_meeting_ics"),
]
