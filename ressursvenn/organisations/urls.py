from django.urls import path

from ressursvenn.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("ny/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/endre/", views.organisation_edit, name="edit"),
    path("<int:pk>/samarbeid/ny/", views.cooperation_add, name="cooperation_add"),
    path("samarbeid/<int:pk>/avslutt/", views.cooperation_end, name="cooperation_end"),
]
