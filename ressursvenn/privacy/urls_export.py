"""A person's own pages for her request for access: what is held, the JSON, who viewed it."""

from django.urls import URLPattern, path

from ressursvenn.privacy import views_export

urlpatterns: list[URLPattern] = [
    path("kvinne/<int:pk>/", views_export.woman, name="woman"),
    path("kvinne/<int:pk>/json/", views_export.woman_json, name="woman_json"),
    path("kvinne/<int:pk>/hvem-har-sett/", views_export.woman_views, name="woman_views"),
    path("ressursvenn/<int:pk>/", views_export.volunteer, name="volunteer"),
    path("ressursvenn/<int:pk>/json/", views_export.volunteer_json, name="volunteer_json"),
    path(
        "ressursvenn/<int:pk>/hvem-har-sett/",
        views_export.volunteer_views,
        name="volunteer_views",
    ),
]
