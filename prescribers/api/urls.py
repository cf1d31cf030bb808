"""The REST API, mounted at /api/v1/."""

from __future__ import annotations

from django.urls import path

from prescribers.api.views import EPrescriptionDetailView, EPrescriptionSubmitView

urlpatterns = [
    path("e-prescriptions/", EPrescriptionSubmitView.as_view(), name="api-eprescriptions"),
    path(
        "e-prescriptions/<int:prescription_id>/",
        EPrescriptionDetailView.as_view(),
        name="api-eprescription-detail",
    ),
]
