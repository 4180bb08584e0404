"""Staff users for the national coordinator: list, invite, view, roles, (de)activate, re-invite.

Every view checks "accounts.manage_staff" first (403 for everyone else, before anything about
the person is looked up), then fetches through `lib.access.fetch` on `User.objects.visible_to`
(404 outside scope). Nobody adds a role to herself: the "add a role" page is 403 on her own
user ("accounts.grant_membership_to"), and `actions.add_membership` refuses it again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.accounts import actions
from ressursvenn.accounts.forms import InviteForm, MembershipForm, StaffFilterForm, StaffStatus
from ressursvenn.accounts.models import STAFF_ROLES, Invitation, Membership, User
from ressursvenn.lib.access import add_errors, error_text, fetch, log_access, paginate, require

MANAGE = "accounts.manage_staff"


def _with_status(users: QuerySet[User]) -> QuerySet[Any]:
    """Annotate `staff_status` (a StaffStatus value) in the database, so it can be filtered."""
    pending = Invitation.objects.filter(
        user=OuterRef("pk"), used_at__isnull=True, expires_at__gt=timezone.now()
    )
    no_password = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    return users.annotate(
        has_pending_invitation=Exists(pending),
        staff_status=Case(
            When(is_active=False, then=Value(StaffStatus.INACTIVE.value)),
            When(
                no_password & Q(has_pending_invitation=True), then=Value(StaffStatus.PENDING.value)
            ),
            When(no_password, then=Value(StaffStatus.EXPIRED.value)),
            default=Value(StaffStatus.ACTIVE.value),
        ),
    )


def _get_person(request: HttpRequest, pk: int, perm: str = MANAGE) -> Any:
    return fetch(request, _with_status(User.objects.visible_to(request.user)), pk, perm=perm)


@require_safe
def staff_list(request: HttpRequest) -> HttpResponse:
    require(request, MANAGE)
    form = StaffFilterForm(request.GET)
    form.is_valid()
    filters: dict[str, Any] = form.cleaned_data
    users = _with_status(User.objects.visible_to(request.user))
    if filters.get("q"):
        term = filters["q"].strip()
        users = users.filter(Q(full_name__icontains=term) | Q(email__icontains=term))
    if filters.get("organisation") or filters.get("role"):
        held = Membership.objects.filter(user=OuterRef("pk"), is_active=True, role__in=STAFF_ROLES)
        if filters.get("organisation"):
            held = held.filter(organisation=filters["organisation"])
        if filters.get("role"):
            held = held.filter(role=filters["role"])
        users = users.filter(Exists(held))
    if filters.get("status"):
        users = users.filter(staff_status=filters["status"])
    roles = (
        Membership.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )
    users = users.prefetch_related(Prefetch("memberships", roles, to_attr="active_memberships"))
    page = paginate(request, users.order_by("full_name", "email", "pk"), param="side")
    for person in page:
        person.status = StaffStatus(person.staff_status)
    return render(request, "accounts/staff_list.html", {"form": form, "page": page})


def staff_invite(request: HttpRequest) -> HttpResponse:
    require(request, MANAGE)
    if request.method == "POST":
        form = InviteForm(request.POST)
    else:
        form = InviteForm(initial={"organisation": request.GET.get("organisation")})
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite_staff(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_errors(form, error)
        else:
            # The same words whether or not the address was known: nothing to enumerate.
            messages.success(
                request,
                _("Invitasjonen er sendt til %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:staff_list")
    return render(request, "accounts/staff_invite.html", {"form": form})


@require_safe
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, MANAGE)
    person = _get_person(request, pk)
    memberships = list(
        Membership.objects.visible_to(request.user)
        .filter(user=person)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )
    acting: Any = request.membership  # type: ignore[attr-defined]
    log_access(request, person, role=acting.role, organisation=acting.organisation)
    status = StaffStatus(person.staff_status)
    context = {
        "person": person,
        "status": status,
        "active_memberships": [m for m in memberships if m.is_active],
        "ended_memberships": [m for m in memberships if not m.is_active],
        "invitation": person.invitations.first(),
        "can_resend": status in (StaffStatus.PENDING, StaffStatus.EXPIRED),
        "is_self": person.pk == request.user.pk,
        "can_grant": request.user.has_perm("accounts.grant_membership_to", person),
        "membership_form": MembershipForm(),
    }
    return render(request, "accounts/staff_detail.html", context)


def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, MANAGE)
    person = _get_person(request, pk, perm="accounts.grant_membership_to")
    form = MembershipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.add_membership(
                person,
                by=request.user,  # type: ignore[arg-type]
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Rollen %(role)s i %(organisation)s er lagt til.")
                % {
                    "role": membership.get_role_display(),
                    "organisation": membership.organisation.name,
                },
            )
            return redirect("accounts:staff_detail", pk=person.pk)
    return render(request, "accounts/membership_add.html", {"person": person, "form": form})


@require_POST
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    require(request, MANAGE)
    person = _get_person(request, pk)
    membership = fetch(
        request,
        Membership.objects.visible_to(request.user)
        .filter(user=person)
        .select_related("organisation"),
        membership_pk,
    )
    try:
        actions.end_membership(membership, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Rollen %(role)s i %(organisation)s er avsluttet.")
            % {"role": membership.get_role_display(), "organisation": membership.organisation.name},
        )
    return redirect("accounts:staff_detail", pk=person.pk)


@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, MANAGE)
    person = _get_person(request, pk)
    value = request.POST.get("active")
    if value not in ("0", "1"):
        messages.error(request, _("Velg om brukeren skal aktiveres eller deaktiveres."))
        return redirect("accounts:staff_detail", pk=person.pk)
    active = value == "1"
    try:
        actions.set_user_active(person, by=request.user, active=active)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Brukeren er aktiv og kan logge inn.")
            if active
            else _(
                "Brukeren er deaktivert og logget ut overalt. "
                "Ubrukte invitasjonslenker virker ikke lenger."
            ),
        )
    return redirect("accounts:staff_detail", pk=person.pk)


@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, MANAGE)
    person = _get_person(request, pk)
    try:
        actions.resend_invitation(person, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("En ny invitasjon er sendt. Tidligere lenker virker ikke lenger.")
        )
    return redirect("accounts:staff_detail", pk=person.pk)
