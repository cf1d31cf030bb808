from __future__ import annotations

from django.urls import include, path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("records/<int:patient_id>/", views.record, name="record"),
    path("profiles/", include("portal.profiles.urls")),
    path("", include("portal.content.urls")),
]
