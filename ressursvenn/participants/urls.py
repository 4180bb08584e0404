"""Referral URLs (crisis-centre staff and the receiving group leader)."""

from django.urls import path

from ressursvenn.participants import views

app_name = "participants"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("ny/", views.referral_create, name="create"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/endre/", views.referral_edit, name="edit"),
    path("<int:pk>/send/", views.referral_submit, name="submit"),
    path("<int:pk>/trekk/", views.referral_withdraw, name="withdraw"),
    path("<int:pk>/samtykke-trukket/", views.referral_withdraw_consent, name="withdraw_consent"),
    path("<int:pk>/ta-imot/", views.referral_accept, name="accept"),
    path("<int:pk>/avvis/", views.referral_decline, name="decline"),
    path("<int:pk>/utelukk/", views.referral_exclusions, name="exclusions"),
]
