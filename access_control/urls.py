from __future__ import annotations

from django.urls import path

from access_control import views

app_name = "access_control"

urlpatterns = [
    path("<slug:token>/", views.invitation_accept, name="invitation_accept"),
]
