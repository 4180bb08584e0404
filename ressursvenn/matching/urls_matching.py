"""URL patterns of one area (joined in the app's urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
