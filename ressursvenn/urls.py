from urllib.parse import quote

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.views.i18n import set_language
from django_otp.admin import OTPAdminSite

from ressursvenn.lib.health import healthz, readyz
from ressursvenn.organisations.views import about
from ressursvenn.reports.views import home

# The technical admin requires a verified second factor too.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "Ressursvenn – teknisk administrasjon"


def _admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The admin has no login of its own: the app's login with its second factor and lockout."""
    login_url = reverse("accounts:login")
    return redirect(f"{login_url}?next={quote(request.GET.get('next', '/admin/'))}")


admin.site.login = _admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("", home, name="home"),
    path("om/", about, name="about"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("sprak/", login_not_required(set_language), name="set_language"),
    path("", include("ressursvenn.accounts.urls")),
    path("organisasjoner/", include("ressursvenn.organisations.urls")),
    path("", include("ressursvenn.volunteers.urls")),
    path("henvisninger/", include("ressursvenn.participants.urls")),
    path("kobling/", include("ressursvenn.matching.urls")),
    path("oppfolging/", include("ressursvenn.followup.urls")),
    path("", include("ressursvenn.surveys.urls")),
    path("rapporter/", include("ressursvenn.reports.urls")),
    path("personvern/", include("ressursvenn.privacy.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "ressursvenn.lib.views.bad_request"
handler403 = "ressursvenn.lib.views.permission_denied"
handler404 = "ressursvenn.lib.views.page_not_found"
handler500 = "ressursvenn.lib.views.server_error"
