"""The practitioner portal, mounted at /practitioner/."""

from __future__ import annotations

from django.urls import path

from prescribers.views import invitations, portal

app_name = "practitioner"

urlpatterns = [
    path("", portal.home, name="home"),
    path("clinics/", portal.clinic_list, name="clinics"),
    path("clinics/new/", portal.clinic_create, name="clinic_create"),
    path("clinics/<int:clinic_id>/edit/", portal.clinic_edit, name="clinic_edit"),
    path("clinics/<int:clinic_id>/archive/", portal.clinic_archive, name="clinic_archive"),
    path("prescriptions/new/", portal.prescription_new, name="prescription_new"),
    path("history/", portal.history, name="history"),
    path("api-tokens/", portal.api_tokens, name="api_tokens"),
    path(
        "api-tokens/<int:token_id>/revoke/",
        portal.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
]
