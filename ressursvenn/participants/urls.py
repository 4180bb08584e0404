"""Referral URLs (crisis-centre staff and the receiving group leader)."""

from django.urls import URLPattern

app_name = "participants"
urlpatterns: list[URLPattern] = []
