"""The group leader's screening pages: the pipeline of her branches and a volunteer's record.

Every form of the record posts to its own URL; an invalid form shows the record again with the
errors next to the fields, a valid one runs the action and redirects back (POST/redirect/GET).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.lib import vocabulary
from ressursvenn.lib.access import add_errors, error_text, fetch, log_access, paginate, require
from ressursvenn.organisations.models import Organisation
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.actions import screening as actions
from ressursvenn.volunteers.forms.screening import (
    CertificateForm,
    ExpectedStatusForm,
    InterviewForm,
    PaperDeclarationForm,
    PipelineFilterForm,
    ReferenceForm,
    StatusChangeForm,
)
from ressursvenn.volunteers.models import Volunteer

PERMISSION = actions.PERMISSION
Status = Volunteer.Status
WAITING_STATUSES = (Status.APPLIED, Status.SCREENING)
STALE = gettext_lazy(
    "Statusen er endret mens du så på siden. Ingenting er endret. Se over og prøv igjen."
)
TABS = [
    (Status.APPLIED, gettext_lazy("Søknader")),
    (Status.SCREENING, gettext_lazy("Under vurdering")),
    (Status.APPROVED, gettext_lazy("Godkjent")),
    (Status.PAUSED, gettext_lazy("Pause")),
    (Status.ENDED, gettext_lazy("Avsluttet")),
    (Status.REJECTED, gettext_lazy("Avslått")),
    (Status.WITHDRAWN, gettext_lazy("Trukket")),
]


def _by(request: HttpRequest) -> Any:
    """The signed-in user (the middleware has sent everyone else to the login page)."""
    return request.user


def _waiting_days(volunteer: Volunteer, today: Any) -> int | None:
    if volunteer.status not in WAITING_STATUSES:
        return None
    return (today - timezone.localtime(volunteer.applied_at).date()).days


@require_safe
def pipeline(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(request, PERMISSION)
    branch_ids = user.organisation_ids(Role.GROUP_LEADER)
    branches = list(Organisation.objects.filter(pk__in=branch_ids).order_by("name", "pk"))
    form = PipelineFilterForm(request.GET, branches=branches)
    rows: Any = Volunteer.objects.visible_to(user).filter(branch_id__in=branch_ids)
    status = Status.APPLIED
    if form.is_valid():
        status = form.cleaned_data["status"] or Status.APPLIED
        if form.cleaned_data["branch"]:
            rows = rows.filter(branch_id=form.cleaned_data["branch"])
        if form.cleaned_data["q"].strip():
            rows = rows.filter(full_name__icontains=form.cleaned_data["q"].strip())
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    rows = rows.filter(status=status)
    order = ("applied_at", "pk") if status in WAITING_STATUSES else ("full_name", "pk")
    rows = rows.order_by(*order).select_related("branch")
    if status == Status.SCREENING:  # the checklist summary: prefetched for the page only
        rows = screening.with_checklist(rows)
    page = paginate(request, rows)
    today = timezone.localdate()
    entries = [
        {
            "volunteer": volunteer,
            "waiting": _waiting_days(volunteer, today),
            "missing": [str(item.title) for item in screening.missing(volunteer, today)]
            if status == Status.SCREENING
            else [],
        }
        for volunteer in page
    ]
    tabs = [(code, label, counts.get(code, 0)) for code, label in TABS]
    context = {
        "form": form,
        "page": page,
        "entries": entries,
        "tabs": tabs,
        "status": status,
        "status_label": Status(status).label,
        "several_branches": len(branches) > 1,
        "show_missing": status == Status.SCREENING,
        "show_waiting": status in WAITING_STATUSES,
    }
    return render(request, "volunteers/screening/pipeline.html", context)


def _screenable(request: HttpRequest) -> Any:
    """Her scope of volunteers with their checklist rows, for `fetch` (with the screening
    permission; the access is logged where the record is shown, `_render_detail`, also when
    a form's errors show it again)."""
    rows = screening.with_checklist(Volunteer.objects.visible_to(request.user))
    return rows.select_related("branch", "municipality", "district", "user")


def _render_detail(
    request: HttpRequest, volunteer: Volunteer, forms: dict[str, Form] | None = None
) -> HttpResponse:
    """The volunteer's record with every form (bound ones passed in show their errors)."""
    user: Any = request.user
    forms = forms or {}
    log_access(request, volunteer, role=Role.GROUP_LEADER, organisation=volunteer.branch)
    today = timezone.localdate()
    checklist = screening.checklist(volunteer, today)
    missing = [item for item in checklist if not item.done]
    references_required = screening.references_required(volunteer)
    context = {
        "volunteer": volunteer,
        "checklist": checklist,
        "missing": missing,
        "age": volunteer.age(today),
        "waiting": _waiting_days(volunteer, today),
        "languages": vocabulary.labels(vocabulary.Language, volunteer.languages),
        "interests": vocabulary.labels(vocabulary.Interest, volunteer.interests),
        "offers": vocabulary.labels(vocabulary.Need, volunteer.offers),
        "availability": vocabulary.labels(vocabulary.Availability, volunteer.availability),
        "modes": vocabulary.labels(vocabulary.Mode, volunteer.modes),
        "certificates": volunteer.police_certificates.select_related("seen_by"),
        "interviews": volunteer.interviews.select_related("interviewer"),
        "declarations": volunteer.declarations.select_related("text", "recorded_by"),
        "references": volunteer.references.select_related("recorded_by"),
        "references_required": references_required,
        "can_take": volunteer.status == Status.APPLIED,
        "can_record": volunteer.status in actions.RECORDING_STATUSES,
        "can_approve": volunteer.status == Status.SCREENING,
        "expected_form": ExpectedStatusForm(initial={"expected_status": volunteer.status}),
        "status_form": forms.get("status_form") or StatusChangeForm(volunteer=volunteer),
        "certificate_form": forms.get("certificate_form") or CertificateForm(),
        "interview_form": forms.get("interview_form")
        or InterviewForm(volunteer=volunteer, by=user),
        "reference_form": forms.get("reference_form") or ReferenceForm(),
        "declaration_form": forms.get("declaration_form") or PaperDeclarationForm(),
        "bound": next(iter(forms), ""),
    }
    return render(request, "volunteers/screening/detail.html", context)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(
        request, fetch(request, _screenable(request), pk, perm=PERMISSION, log=False)
    )


def _record(
    request: HttpRequest, volunteer: Volunteer, form: Form, name: str, action: Any, done: str
) -> HttpResponse:
    """Run a checklist action with a valid form, or show the record with the form's errors."""
    if form.is_valid():
        try:
            action(volunteer, by=_by(request), **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("volunteers:detail", volunteer.pk)
    return _render_detail(request, volunteer, {name: form})


@require_POST
def add_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(
        request,
        fetch(request, _screenable(request), pk, perm=PERMISSION, log=False),
        CertificateForm(request.POST),
        "certificate_form",
        actions.record_police_certificate,
        _("Politiattesten er registrert."),
    )


@require_POST
def add_interview(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = fetch(request, _screenable(request), pk, perm=PERMISSION, log=False)
    form = InterviewForm(request.POST, volunteer=volunteer, by=_by(request))
    return _record(
        request,
        volunteer,
        form,
        "interview_form",
        actions.record_interview,
        _("Egnethetssamtalen er registrert."),
    )


@require_POST
def add_reference(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(
        request,
        fetch(request, _screenable(request), pk, perm=PERMISSION, log=False),
        ReferenceForm(request.POST),
        "reference_form",
        actions.record_reference,
        _("Referansen er registrert."),
    )


@require_POST
def add_paper_declaration(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(
        request,
        fetch(request, _screenable(request), pk, perm=PERMISSION, log=False),
        PaperDeclarationForm(request.POST),
        "declaration_form",
        actions.record_paper_declaration,
        _("Taushetserklæringen er registrert."),
    )


def _stale(request: HttpRequest, form: Form, pk: int) -> HttpResponse:
    messages.error(request, " ".join(str(error) for error in form.errors["expected_status"]))
    return redirect("volunteers:detail", pk)


@require_POST
def take_into_screening(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = fetch(request, _screenable(request), pk, perm=PERMISSION, log=False)
    form = ExpectedStatusForm(request.POST)
    if not form.is_valid():
        return _stale(request, form, pk)
    try:
        actions.take_into_screening(
            volunteer, by=_by(request), expected_status=form.cleaned_data["expected_status"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Hun er tatt inn til vurdering og har fått en invitasjon på e-post."),
        )
    return redirect("volunteers:detail", pk)


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = fetch(request, _screenable(request), pk, perm=PERMISSION, log=False)
    form = ExpectedStatusForm(request.POST)
    if not form.is_valid():
        return _stale(request, form, pk)
    try:
        actions.approve_volunteer(
            volunteer, by=_by(request), expected_status=form.cleaned_data["expected_status"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Hun er godkjent som ressursvenn."))
    return redirect("volunteers:detail", pk)


@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = fetch(request, _screenable(request), pk, perm=PERMISSION, log=False)
    form = StatusChangeForm(request.POST, volunteer=volunteer)
    valid = form.is_valid()
    if "expected_status" in form.errors:
        return _stale(request, form, pk)
    if form.cleaned_data["expected_status"] != volunteer.status:
        messages.error(request, str(STALE))
        return redirect("volunteers:detail", pk)
    if valid:
        data = form.cleaned_data
        try:
            actions.change_status(
                volunteer,
                by=_by(request),
                transition=data["transition"],
                reason=data["reason"],
                expected_status=data["expected_status"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_errors(form, error)
            else:
                messages.error(request, error_text(error))
                return redirect("volunteers:detail", pk)
        else:
            messages.success(
                request,
                _("Statusen er endret til «%(status)s».")
                % {"status": volunteer.get_status_display()},
            )
            return redirect("volunteers:detail", pk)
    return _render_detail(request, volunteer, {"status_form": form})
