from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from access_control.policy import portal_patients_for
from accounts.roles import signed_in_user
from audit.services import audit_record_views
from care.models import TreatmentPlan
from care.selectors import portal_plans
from portal.content.common import forms_only_redirect, member_choice
from portal.events import PortalEvent


@login_required
@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    """Shared treatment plans of every linked record, read-only."""
    user = signed_in_user(request)
    choice = member_choice(request, portal_patients_for(user=user))
    if (elsewhere := forms_only_redirect(user, choice.members)) is not None:
        return elsewhere
    shown = list(portal_plans(patients=choice.shown))
    audit_record_views(
        actor=user,
        action=PortalEvent.PLANS_VIEWED,
        patients=choice.shown,
        model=TreatmentPlan,
        items=shown,
    )
    return render(request, "portal/care/plans.html", {**choice.context(), "plans": shown})
