from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from access_control.policy import portal_patients_for
from accounts.roles import signed_in_user
from audit.services import audit_record_views
from care.models import Document
from care.responses import document_file_response
from care.selectors import portal_document, portal_documents
from portal.content.common import forms_only_redirect, member_choice
from portal.events import PortalEvent


@login_required
@require_GET
def documents(request: HttpRequest) -> HttpResponse:
    """Shared documents of every linked record, newest first; ?member= shows one record's."""
    user = signed_in_user(request)
    choice = member_choice(request, portal_patients_for(user=user))
    if (elsewhere := forms_only_redirect(user, choice.members)) is not None:
        return elsewhere
    shown = list(portal_documents(patients=choice.shown))
    audit_record_views(
        actor=user,
        action=PortalEvent.DOCUMENTS_VIEWED,
        patients=choice.shown,
        model=Document,
        items=shown,
    )
    return render(request, "portal/care/documents.html", {**choice.context(), "documents": shown})


@login_required
@require_GET
def document_download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    document = portal_document(patients=portal_patients_for(user=user), document_id=document_id)
    if document is None:
        raise Http404("No such document.")
    return document_file_response(document=document, actor=user)
