"""Import of a branch's existing volunteer list: upload → preview with errors → confirm.

Between preview and confirm the valid rows wait in the session under a random token,
encrypted with the field keys (the session table must not hold personal data in clear text),
for at most `PENDING_MINUTES`. Confirming takes them out of the session, so a second confirm
finds nothing and writes nothing.
"""

from __future__ import annotations

import datetime
import json
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import error_text, require
from ressursvenn.lib.crypto import decrypt, encrypt
from ressursvenn.organisations.models import Organisation
from ressursvenn.volunteers import importing
from ressursvenn.volunteers.actions import imports as actions
from ressursvenn.volunteers.forms.imports import ImportConfirmForm, ImportUploadForm

SESSION_KEY = "volunteer_import"
PENDING_MINUTES = 60
MAX_SESSION_CHARS = 3 * 1024 * 1024


def _branches(request: HttpRequest) -> list[Organisation]:
    user: Any = request.user
    require(request, actions.PERMISSION)
    ids = user.organisation_ids(Role.GROUP_LEADER)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk"))


def _keep(request: HttpRequest, branch: Organisation, rows: list[dict[str, Any]]) -> str | None:
    """Put the valid rows in the session; returns the token (None when too large)."""
    payload = encrypt(json.dumps(rows))
    if len(payload) > MAX_SESSION_CHARS:
        return None
    token = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = {
        "token": token,
        "branch": branch.pk,
        "rows": payload,
        "created": timezone.now().isoformat(),
    }
    return token


def _take(request: HttpRequest, token: str) -> dict[str, Any] | None:
    """Remove the pending import from the session; it is returned when the token matches."""
    pending = request.session.get(SESSION_KEY)
    if not pending or not secrets.compare_digest(str(pending.get("token", "")), token):
        return None
    del request.session[SESSION_KEY]
    created = datetime.datetime.fromisoformat(pending["created"])
    if timezone.now() - created > datetime.timedelta(minutes=PENDING_MINUTES):
        return None
    pending["rows"] = json.loads(decrypt(pending["rows"]))
    return pending


def import_volunteers(request: HttpRequest) -> HttpResponse:
    branches = _branches(request)
    post = request.method == "POST"
    form = ImportUploadForm(
        request.POST if post else None, request.FILES if post else None, branches=branches
    )
    context: dict[str, Any] = {
        "form": form,
        "columns": importing.COLUMN_HELP,
        "max_rows": importing.MAX_ROWS,
        "several_branches": len(branches) > 1,
    }
    if post and form.is_valid():
        branch = next(b for b in branches if b.pk == form.cleaned_data["branch"])
        upload = form.cleaned_data["file"]
        try:
            header, table = importing.read_table(upload.name, upload.read())
            rows = importing.check_rows(header, table, branch=branch)
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            valid = [row.values for row in rows if row.is_valid]
            token = _keep(request, branch, valid) if valid else None
            if valid and token is None:
                form.add_error("file", _("Filen er for stor til å forhåndsvises. Del den opp."))
            else:
                context.update(
                    preview=rows,
                    branch=branch,
                    valid_count=len(valid),
                    error_count=len(rows) - len(valid),
                    confirm_form=ImportConfirmForm(initial={"token": token}) if token else None,
                )
    return render(request, "volunteers/imports/import.html", context)


@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    branches = _branches(request)
    user: Any = request.user
    form = ImportConfirmForm(request.POST)
    pending = _take(request, form.data.get("token", "")) if form.is_valid() else None
    if pending is None:
        messages.error(
            request,
            _(
                "Det er ingen import å bekrefte: den er allerede gjort, eller den er for gammel. "
                "Last opp filen på nytt."
            ),
        )
        return redirect("volunteers:import")
    branch = get_object_or_404(Organisation, pk=pending["branch"], pk__in=[b.pk for b in branches])
    try:
        created = actions.import_volunteers(branch, by=user, rows=pending["rows"])
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("volunteers:import")
    messages.success(
        request,
        _("%(count)s ressursvenner er importert til %(branch)s.")
        % {"count": len(created), "branch": branch.name},
    )
    return redirect(reverse("volunteers:pipeline") + "?status=applied")
