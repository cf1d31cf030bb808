from __future__ import annotations

from django.urls import path

from family_links import views

app_name = "family_links"

urlpatterns = [
    path("<slug:token>/", views.access_link_open, name="redeem"),
]
