from django.urls import path

from ressursvenn.accounts import views, views_staff

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.login_view, name="login"),
    path("logg-inn/kode/", views.verify, name="verify"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("tofaktor/oppsett/", views.enrol, name="enrol"),
    path("tofaktor/oppsett/qr.svg", views.enrol_qr, name="enrol_qr"),
    path("tofaktor/gjenopprettingskoder/", views.recovery_codes, name="recovery_codes"),
    path("konto/", views.profile, name="profile"),
    path("konto/rolle/", views.switch_role, name="switch_role"),
    path("konto/passord/", views.password_change, name="password_change"),
    path("konto/varsler/", views.task_email, name="task_email"),
    path("invitasjon/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("passord/glemt/", views.password_reset, name="password_reset"),
    path("passord/glemt/sendt/", views.password_reset_done, name="password_reset_done"),
    path(
        "passord/nytt/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("passord/nytt/ferdig/", views.password_reset_complete, name="password_reset_complete"),
    path("brukere/", views_staff.staff_list, name="staff_list"),
    path("brukere/ny/", views_staff.staff_invite, name="staff_invite"),
    path("brukere/<int:pk>/", views_staff.staff_detail, name="staff_detail"),
    path("brukere/<int:pk>/roller/", views_staff.membership_add, name="membership_add"),
    path(
        "brukere/<int:pk>/roller/<int:membership_pk>/avslutt/",
        views_staff.membership_end,
        name="membership_end",
    ),
    path("brukere/<int:pk>/aktiv/", views_staff.user_set_active, name="user_set_active"),
    path("brukere/<int:pk>/invitasjon/", views_staff.invitation_resend, name="invitation_resend"),
]
