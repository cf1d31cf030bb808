"""Prescriber profiles in the staff admin: the list, the profile's page (details, licences, the
portal account link saved with Update) and the pages of its actions (see admin/actions.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from accounts.roles import signed_in_user
from prescribers.admin.actions import ACTIONS_BY_SLUG, PROFILE_ACTIONS, ProfileAction
from prescribers.admin.forms import PrescriberProfileForm, account_label, clinic_label
from prescribers.errors import PrescriberError
from prescribers.forms import error_to_form
from prescribers.models import PrescriberLicence, PrescriberProfile, ProfileStatus
from prescribers.selectors import (
    portal_accounts_search,
    prescriber_likely_duplicates,
    prescriber_profile_history,
)
from prescribers.services.profiles import prescriber_profile_save


class StatusFilter(admin.SimpleListFilter):
    """Active profiles unless asked otherwise: archived ones are hidden by default."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*ProfileStatus.choices, ("all", "All")]

    def choices(self, changelist: Any) -> Iterator[Any]:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or ProfileStatus.ACTIVE) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[PrescriberProfile]
    ) -> QuerySet[PrescriberProfile]:
        value = self.value() or ProfileStatus.ACTIVE
        return queryset if value == "all" else queryset.filter(status=value)


class LinkedFilter(admin.SimpleListFilter):
    title = "portal account"
    parameter_name = "linked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Linked"), ("no", "Not linked")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[PrescriberProfile]
    ) -> QuerySet[PrescriberProfile]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(practitioner_clinic__isnull=self.value() == "no")
        return queryset


class LicenceInline(admin.TabularInline):
    model = PrescriberLicence
    extra = 0
    verbose_name_plural = "State licences"


@admin.register(PrescriberProfile)
class PrescriberProfileAdmin(admin.ModelAdmin):
    form = PrescriberProfileForm
    change_form_template = "prescribers/admin/profile_change_form.html"
    inlines = [LicenceInline]
    list_display = (
        "display_name",
        "npi",
        "clinic_name",
        "status",
        "linked_to",
        "created_automatically",
        "needs_review",
    )
    list_display_links = ("display_name",)
    list_filter = (StatusFilter, LinkedFilter, "created_automatically", "needs_review")
    search_fields = ("first_name", "last_name", "npi", "clinic_name", "description")
    search_help_text = "Search by name, NPI or clinic."
    list_select_related = ("practitioner_clinic__practitioner", "practitioner_clinic__clinic")
    list_per_page = 50
    readonly_fields = (
        "status",
        "created_automatically",
        "needs_review",
        "linked_to",
        "linked_at",
        "linked_by",
        "archived_at",
        "merged_into",
    )
    fieldsets = (
        (
            "Prescriber",
            {"fields": (("first_name", "last_name"), "credential_suffix", "npi", "dea_number")},
        ),
        (
            "Clinic or location",
            {
                "fields": (
                    "description",
                    "clinic_name",
                    "address_line1",
                    "address_line2",
                    ("city", "region", "postal_code"),
                    ("clinic_phone", "clinic_fax"),
                )
            },
        ),
        ("Status", {"fields": readonly_fields}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Profiles are archived, never deleted: their prescriptions and history stay.
        return False

    @admin.display(description="name", ordering="last_name")
    def display_name(self, obj: PrescriberProfile) -> str:
        return obj.display_name

    @admin.display(description="linked practitioner/clinic")
    def linked_to(self, obj: PrescriberProfile) -> str:
        return str(obj.practitioner_clinic) if obj.practitioner_clinic else "Not linked"

    # --- saving: one service saves the details, the licences and the link together ---

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing yet: save_related hands the profile, its licences and its link to one service."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        saved: list[PrescriberLicence] = []
        deleted: list[PrescriberLicence] = []
        for formset in formsets:
            saved.extend(formset.save(commit=False))
            deleted.extend(formset.deleted_objects)
        link = form.link_request()
        profile = prescriber_profile_save(
            profile=form.instance,
            changed_fields=form.changed_profile_fields(),
            licences_saved=saved,
            licences_deleted=deleted,
            link=link,
            actor=signed_in_user(request),
            reason=form.cleaned_data.get("link_reason", ""),
        )
        if link is not None and profile.practitioner_clinic is not None:
            self.message_user(
                request,
                f"Linked to {profile.practitioner_clinic}: prescriptions from this "
                "practitioner/clinic now come to this profile, and the portal account sees its "
                "patients.",
                messages.SUCCESS,
            )
        elif link is not None:
            self.message_user(request, "Disconnected from the portal account.", messages.SUCCESS)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PrescriberError as error:
            # A rule broken between the page's checks and the save (another staff member was
            # quicker): the transaction was rolled back, nothing changed.
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            context.update(
                likely_duplicates=prescriber_likely_duplicates(profile=obj),
                history=prescriber_profile_history(profile=obj),
                invitations=obj.invitations.all()[:5],
                profile_actions=[
                    {
                        "title": action.title,
                        "url": self._action_url(obj, action),
                        "danger": action.danger,
                    }
                    for action in PROFILE_ACTIONS
                    if action.available(obj)
                ],
            )
        context["accounts_search_url"] = reverse(
            "admin:prescribers_prescriberprofile_portal_accounts"
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- the profile's own pages ---

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "portal-accounts/",
                self.admin_site.admin_view(self.portal_accounts_view),
                name="prescribers_prescriberprofile_portal_accounts",
            ),
            path(
                "<path:object_id>/action/<slug:slug>/",
                self.admin_site.admin_view(self.action_view),
                name="prescribers_prescriberprofile_action",
            ),
        ]
        return own + super().get_urls()

    @staticmethod
    def _action_url(profile: PrescriberProfile, action: ProfileAction) -> str:
        return reverse("admin:prescribers_prescriberprofile_action", args=[profile.pk, action.slug])

    def portal_accounts_view(self, request: HttpRequest) -> JsonResponse:
        """The account search of the profile page: accounts with their clinics."""
        if not self.has_change_permission(request):
            return JsonResponse({"error": "Not allowed."}, status=403)
        query = request.GET.get("q", "").strip()
        practitioners = portal_accounts_search(query=query) if len(query) >= 2 else []
        return JsonResponse(
            {
                "results": [
                    {
                        "id": practitioner.user_id,
                        "label": account_label(practitioner),
                        "clinics": [
                            {"id": combination.pk, "label": clinic_label(combination)}
                            for combination in practitioner.clinic_links.all()
                        ],
                    }
                    for practitioner in practitioners
                ]
            }
        )

    def action_view(self, request: HttpRequest, object_id: str, slug: str) -> HttpResponse:
        action = ACTIONS_BY_SLUG.get(slug)
        profile = self.get_object(request, object_id)
        if action is None or profile is None:
            raise Http404("No such page.")
        if not self.has_change_permission(request, profile):
            return HttpResponse("You may not change prescriber profiles.", status=403)
        change_url = reverse("admin:prescribers_prescriberprofile_change", args=[profile.pk])
        if not action.available(profile):
            self.message_user(request, f"“{action.title}” does not apply to this profile now.")
            return HttpResponseRedirect(change_url)
        form = action.form_class(
            request.POST if request.method == "POST" else None, profile=profile
        )
        if request.method == "POST" and form.is_valid():
            try:
                message = action.perform(profile, form.cleaned_data, signed_in_user(request))
            except PrescriberError as error:
                error_to_form(form, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{action.title.rstrip('…')}: {profile}",
            "action": action,
            "profile": profile,
            "form": form,
            "change_url": change_url,
        }
        return render(request, "prescribers/admin/profile_action.html", context)
