"""Matching URLs: waiting list, candidates, proposing, batch proposal and the volunteer's answer."""

from django.urls import URLPattern, path

from ressursvenn.matching.views import candidates, proposals

urlpatterns: list[URLPattern] = [
    path("", candidates.waiting_list, name="waiting_list"),
    path("henvisning/<int:pk>/", candidates.candidates, name="candidates"),
    path("henvisning/<int:pk>/foresla/", candidates.propose, name="propose"),
    path("samlet/", candidates.batch, name="batch"),
    path("forslag/<int:pk>/", proposals.proposal, name="proposal"),
    path("forslag/<int:pk>/svar/", proposals.answer, name="answer"),
]
