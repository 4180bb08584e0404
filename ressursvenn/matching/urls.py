"""Matching URLs: waiting list, candidates, proposals, batch, matches and koblingsmøter."""

from ressursvenn.matching import urls_matching, urls_meetings

app_name = "matching"
urlpatterns = [*urls_matching.urlpatterns, *urls_meetings.urlpatterns]
