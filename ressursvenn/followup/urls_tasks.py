"""URL patterns of the follow-up area "tasks" (joined in the app's urls.py)."""

from django.urls import URLPattern, path

from ressursvenn.followup.views import tasks

urlpatterns: list[URLPattern] = [
    path("oppgaver/", tasks.task_list, name="tasks"),
]
