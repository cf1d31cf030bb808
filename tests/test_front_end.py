"""The front end's one layout: fields drawn by one template, URL names nested like the pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from clinics.models import Patient
from tests.access_control.factories import PortalGrantFactory
from tests.factories import UserFactory

_DESCRIBED_BY = re.compile(r'aria-describedby="([^"]+)"')


def _dangling_descriptions(html: str) -> list[str]:
    """The ids a widget says describe it that are nowhere on the page."""
    wanted = {name for names in _DESCRIBED_BY.findall(html) for name in names.split()}
    return sorted(name for name in wanted if f'id="{name}"' not in html)


@pytest.fixture
def signed_in(client: Client, patient: Patient) -> Client:
    account: User = UserFactory.create()
    PortalGrantFactory.create(account=account, patient=patient)
    client.force_login(account)
    return client


def test_a_refused_sign_in_marks_the_field_invalid_and_describes_it_by_its_help_and_error(
    client: Client, db: None
) -> None:
    html = client.post(reverse("account_login"), {"login": "someone", "password": ""}).content
    page = html.decode()

    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_password_helptext id_password_error"' in page
    assert 'id="id_password_helptext"' in page
    assert '<ul class="errorlist" id="id_password_error"><li>This field is required.' in page
    assert "Email or username" in page
    assert _dangling_descriptions(page) == []


@pytest.mark.parametrize(
    "url_name",
    ["account_change_password", "portal:profiles:add_code", "portal:profiles:index"],
)
def test_every_field_description_a_page_points_to_is_on_the_page(
    signed_in: Client, url_name: str
) -> None:
    response = signed_in.post(reverse(url_name), {})

    page = response.content.decode()
    assert _dangling_descriptions(page) == []


def test_a_radio_choice_is_a_fieldset_whose_legend_names_it_and_each_option_its_label(
    signed_in: Client,
) -> None:
    answer = {"code": "ABCD-EFGH-JK", "date_of_birth": "2015-09-03"}
    page = signed_in.post(reverse("portal:profiles:add_code"), answer).content.decode()

    fieldset = page.split('<fieldset class="field choices has-error"')[1].split("</fieldset>")[0]
    assert "<legend>You are their</legend>" in fieldset
    assert 'aria-describedby="id_relationship_error"' in fieldset
    assert (
        '<label class="choice"><input type="radio" name="relationship" value="parent"' in fieldset
    )
    assert "This field is required." in fieldset


def test_the_portals_care_pages_are_named_inside_the_portal_namespace(db: None) -> None:
    assert reverse("portal:care:forms") == "/portal/forms/"
    assert reverse("portal:care:form", args=[7]) == "/portal/forms/7/"
    assert reverse("portal:care:document_download", args=[3]) == "/portal/documents/3/download/"
    with pytest.raises(NoReverseMatch):
        reverse("portal_care:forms")
