from __future__ import annotations

from django.urls import path

from portal.content import appointments, documents, forms, plans

app_name = "care"

urlpatterns = [
    path("documents/", documents.documents, name="documents"),
    path(
        "documents/<int:document_id>/download/",
        documents.document_download,
        name="document_download",
    ),
    path("appointments/", appointments.appointments, name="appointments"),
    path("appointments/book/", appointments.book, name="book"),
    path(
        "appointments/<int:appointment_id>/cancel/",
        appointments.appointment_cancel,
        name="appointment_cancel",
    ),
    path("plans/", plans.plans, name="plans"),
    path("forms/", forms.forms, name="forms"),
    path("forms/<int:assignment_id>/", forms.form_fill, name="form"),
]
