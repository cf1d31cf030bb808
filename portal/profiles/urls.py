from __future__ import annotations

from django.urls import path

from portal.profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.index, name="index"),
    path("switch/", views.switch, name="switch"),
    path("add/", views.add_code, name="add_code"),
    path("<int:patient_id>/", views.profile, name="profile"),
    path("<int:patient_id>/update/", views.edit, name="edit"),
    path("<int:patient_id>/email/", views.email, name="email"),
    path("<int:patient_id>/remove/", views.remove, name="remove"),
]
