"""The patient page's tab registry (clinics/tabs.py): one Patient admin, tabs in their own order
whatever the order of the apps, a tab's permission hides and refuses it, and every registered
tab URL is a 404 for another clinic's patient (new tabs are covered by the loop)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from access_control.models import PortalInvitation
from accounts.models import User
from audit.models import AuditEvent
from care.events import CareEvent
from clinics import tabs
from clinics.admin import PatientAdmin
from clinics.models import Patient
from clinics.tabs import PatientTab, PatientTabPage, patient_tab_register, patient_tabs
from family_links.models import AccessLink

pytestmark = pytest.mark.django_db


def _tab_urls(patient: Patient) -> Iterator[tuple[str, str]]:
    """(title, URL) of every registered tab and each page below it, filled for this patient."""
    for tab in patient_tabs():
        yield tab.title, tab.url(patient)
        for page in tab.pages:
            kwargs = dict.fromkeys(re.findall(r"<(?:\w+:)?(\w+)>", page.route), "x")
            url = reverse(
                f"admin:{tab.page_url_name(page)}", kwargs={"object_id": patient.pk, **kwargs}
            )
            yield f"{tab.title}: {page.name}", url


def _bar(client: Client, patient: Patient) -> list[str]:
    html = client.get(reverse("admin:clinics_patient_change", args=[patient.pk])).content.decode()
    nav = re.findall(r'<nav class="patient-tabs".*?</nav>', html, re.S)
    return re.findall(r">([^<]+)</a>", nav[0]) if nav else []


def _without_permission(user: User, permission: str) -> None:
    """Gives the user their groups' permissions but this one, directly."""
    app_label, codename = permission.split(".")
    for group in user.groups.all():
        for kept in group.permissions.exclude(content_type__app_label=app_label, codename=codename):
            user.user_permissions.add(kept)
    user.groups.clear()


def _with_only(user: User, *codenames: str) -> None:
    user.groups.clear()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))


def test_the_patient_admin_is_clinics_own_registered_once() -> None:
    assert type(admin.site.get_model_admin(Patient)) is PatientAdmin


def test_tabs_keep_their_order_whatever_order_the_apps_register_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tabs, "_tabs", {})
    # The reverse of INSTALLED_APPS: the order of ready() does not decide the tab bar.
    for label in ("care", "family_links", "access_control"):
        apps.get_app_config(label).ready()
    assert [tab.title for tab in patient_tabs()] == ["Portal Access", "Medical Access Code", "Care"]


def _view(request: object, patient: Patient) -> HttpResponse:
    return HttpResponse("a tab")


def test_registering_the_same_tab_again_is_harmless_but_a_clash_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tabs, "_tabs", {})
    tab = PatientTab(title="Notes", slug="notes", view=_view, order=50)
    patient_tab_register(tab)
    patient_tab_register(tab)
    assert patient_tabs() == [tab]
    with pytest.raises(ImproperlyConfigured):
        patient_tab_register(PatientTab(title="Other notes", slug="notes", view=_view, order=60))


@pytest.mark.parametrize("tab", [tab for tab in patient_tabs() if tab.permission])
def test_a_tab_whose_permission_the_staff_member_lacks_is_hidden_and_refused(
    client: Client, clinic_staff: User, patient: Patient, tab: PatientTab
) -> None:
    assert tab.permission
    _without_permission(clinic_staff, tab.permission)
    client.force_login(clinic_staff)

    assert tab.title not in _bar(client, patient)
    assert "General" in _bar(client, patient)
    assert client.get(tab.url(patient)).status_code == 403


def test_staff_who_may_only_view_patients_see_the_general_tab_alone(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    _with_only(clinic_staff, "view_patient")
    client.force_login(clinic_staff)
    assert _bar(client, patient) == ["General"]
    for title, url in _tab_urls(patient):
        assert client.get(url).status_code == 403, title


def test_the_care_tab_asks_the_same_staff_rule_as_the_other_tabs(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    """Reading documents is not enough: the Care tab, like every tab, asks for staff who may
    change the patient's record."""
    _with_only(clinic_staff, "view_patient", "view_document")
    client.force_login(clinic_staff)
    assert client.get(reverse("admin:clinics_patient_care", args=[patient.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action=CareEvent.VIEWED_BY_STAFF).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_clinics_patient_is_a_404_on_every_registered_tab_url(
    client: Client, other_clinic_staff: User, patient: Patient, method: str
) -> None:
    client.force_login(other_clinic_staff)
    events = AuditEvent.objects.count()
    urls = list(_tab_urls(patient))
    assert len(urls) >= 3  # every app's tab is registered
    for title, url in urls:
        response = getattr(client, method)(url, {"link": "1", "confirm": "yes"})
        assert response.status_code == 404, title
    assert AuditEvent.objects.count() == events
    assert not PortalInvitation.objects.exists()
    assert not AccessLink.objects.exists()


def test_a_page_below_a_tab_asks_its_own_permission_too(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    access_code = next(tab for tab in patient_tabs() if tab.slug == "access-code")
    generate = next(page for page in access_code.pages if page.name == "generate")
    assert isinstance(generate, PatientTabPage)
    assert generate.permission
    _without_permission(clinic_staff, generate.permission)
    client.force_login(clinic_staff)
    assert client.get(access_code.url(patient)).status_code == 200
    url = reverse(f"admin:{access_code.page_url_name(generate)}", args=[patient.pk])
    assert client.post(url).status_code == 403
    assert not AccessLink.objects.exists()
