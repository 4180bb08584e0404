"""The questionnaires: staff and volunteer pages under the match, and the woman's one-time link
at a short neutral address (``skjema/``) that says nothing about what it is for."""

from django.urls import path

from ressursvenn.surveys.views import answers, entry, links, outcomes, public

urlpatterns = [
    path(
        "kobling/<int:pk>/sporreskjema/<str:time_point>/lenke/",
        links.link_new,
        name="link_new",
    ),
    path("sporreskjema/lenke/<int:pk>/", links.link_show, name="link_show"),
    path("sporreskjema/lenke/<int:pk>/trekk-tilbake/", links.link_revoke, name="link_revoke"),
    path(
        "kobling/<int:pk>/sporreskjema/<str:time_point>/hennes-vegne/",
        entry.on_behalf,
        name="on_behalf",
    ),
    path(
        "kobling/<int:pk>/sporreskjema/<str:time_point>/ressursvenn/",
        entry.volunteer_questionnaire,
        name="volunteer_questionnaire",
    ),
    path("kobling/<int:pk>/utfall/<str:time_point>/", outcomes.outcome, name="outcome"),
    path("sporreskjema/svar/<int:pk>/", answers.response_detail, name="response_detail"),
    # The woman's pages (no account): every step at one address, the token only to enter.
    path("skjema/", public.public, name="public"),
    path("skjema/<str:token>/", public.public_link, name="public_link"),
]
