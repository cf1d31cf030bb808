from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from access_control.policy import portal_form_patients_for
from accounts.models import User
from clinics.models import Clinic, Patient
from clinics.selectors import patients_single_clinic


@dataclass(frozen=True)
class MemberChoice:
    """The records an account may see on a page, and the one picked with ?member=, if any."""

    members: list[Patient]
    member: Patient | None

    @property
    def shown(self) -> list[Patient]:
        return [self.member] if self.member else self.members

    @property
    def clinic(self) -> Clinic | None:
        """The clinic, when every record belongs to the same one (it brands the page)."""
        return patients_single_clinic(patients=self.members)

    def context(self) -> dict[str, Any]:
        return {"members": self.members, "member": self.member, "portal_clinic": self.clinic}


def members_of(patients: QuerySet[Patient]) -> list[Patient]:
    """The records in a stable order, for the family-member filter and pickers. One query."""
    return list(patients.select_related("clinic").order_by("first_name", "last_name", "pk"))


def chosen_member(request: HttpRequest, members: list[Patient], key: str) -> Patient | None:
    """The record named by ?<key>=; a record the account cannot reach is a 404."""
    wanted = request.GET.get(key, "")
    if not wanted:
        return None
    member = next((m for m in members if str(m.pk) == wanted), None)
    if member is None:
        raise Http404("No such record.")
    return member


def forms_only_redirect(user: User, members: list[Patient]) -> HttpResponse | None:
    """An intake-forms-only account has nothing here but may have forms: it goes to them.

    Asks only when the account reaches no record in full, so other pages pay no query for it.
    """
    if not members and portal_form_patients_for(user=user).exists():
        return redirect("portal:care:forms")
    return None


def member_choice(request: HttpRequest, patients: QuerySet[Patient]) -> MemberChoice:
    members = members_of(patients)
    return MemberChoice(members=members, member=chosen_member(request, members, "member"))
