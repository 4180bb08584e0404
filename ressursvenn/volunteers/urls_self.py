"""The volunteer's own pages: status and checklist, profile, confidentiality declaration."""

from django.urls import URLPattern, path

from ressursvenn.volunteers.views import self_service

urlpatterns: list[URLPattern] = [
    path("min-side/", self_service.mine, name="mine"),
    path("min-side/profil/", self_service.my_profile, name="my_profile"),
    path("min-side/taushetserklaering/", self_service.sign_declaration, name="sign_declaration"),
]
