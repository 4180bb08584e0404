"""Erasure on request: a woman's data (her referral) and a volunteer's (her record)."""

from django.urls import path

from ressursvenn.privacy import views_erasure

urlpatterns = [
    path("kvinne/<int:pk>/slett/", views_erasure.erase_woman, name="erase_woman"),
    path("ressursvenn/<int:pk>/slett/", views_erasure.erase_volunteer, name="erase_volunteer"),
]
