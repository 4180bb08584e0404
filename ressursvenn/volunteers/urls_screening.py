"""URL patterns of the screening pipeline, a volunteer's record and the import."""

from django.urls import URLPattern, path

from ressursvenn.volunteers.views import imports, screening

urlpatterns: list[URLPattern] = [
    path("frivillige/", screening.pipeline, name="pipeline"),
    path("frivillige/import/", imports.import_volunteers, name="import"),
    path("frivillige/import/bekreft/", imports.import_confirm, name="import_confirm"),
    path("frivillige/<int:pk>/", screening.detail, name="detail"),
    path("frivillige/<int:pk>/ta-inn/", screening.take_into_screening, name="take_into_screening"),
    path("frivillige/<int:pk>/politiattest/", screening.add_certificate, name="add_certificate"),
    path("frivillige/<int:pk>/samtale/", screening.add_interview, name="add_interview"),
    path("frivillige/<int:pk>/referanse/", screening.add_reference, name="add_reference"),
    path(
        "frivillige/<int:pk>/taushetserklaering/",
        screening.add_paper_declaration,
        name="add_paper_declaration",
    ),
    path("frivillige/<int:pk>/godkjenn/", screening.approve, name="approve"),
    path("frivillige/<int:pk>/status/", screening.change_status, name="change_status"),
]
