"""The patient page of the staff admin: its tabs, list actions and General-tab panels.

`clinics` owns the page; every other app adds to it from its `AppConfig.ready()`, so nothing
depends on the order of `INSTALLED_APPS` and no app re-registers the Patient admin:

- a **tab** (`patient_tab_register`): a title, a URL path below the patient's admin URL, plain
  view functions `(request, patient, **url_kwargs) -> HttpResponse`, the permission it needs and
  its place in the tab bar;
- a **list action** on the patient list (`patient_action_register`);
- a **panel** shown under the General tab's form (`patient_panel_register`).

Every tab page is opened the same way (`PatientAdmin.get_urls` in `clinics/admin.py`): the
patient is looked up through the admin's clinic-scoped queryset (another clinic's record is a
404), then the one staff rule and the tab's permission are asked (403). Views render through
`patient_tab_render`, which builds the context every tab page shares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from clinics.models import Patient
from clinics.selectors import staff_may_manage_patient

if TYPE_CHECKING:
    from accounts.roles import AnyUser

# (request, patient, **url kwargs) -> response
PatientTabView = Callable[..., HttpResponse]
# (model admin, request, selected patients) -> a page to show, or None to go back to the list
PatientActionFunction = Callable[[Any, HttpRequest, QuerySet[Patient]], HttpResponse | None]

GENERAL_TAB = "General"


@dataclass(frozen=True)
class PatientTabPage:
    """A page of a tab below the tab's own URL (a step, or a POST-only action)."""

    route: str  # below the tab's path, e.g. "family/" or "<slug:action>/"
    name: str  # appended to the tab's URL name: clinics_patient_<tab>_<name>
    view: PatientTabView
    permission: str | None = None  # asked on top of the tab's own
    post_only: bool = False


@dataclass(frozen=True)
class PatientTab:
    title: str
    slug: str  # the URL path below the patient's admin URL, and (with _) the URL name
    view: PatientTabView
    order: int  # left to right; General (clinics' change form) always comes first
    permission: str | None = None  # a permission name, asked on top of the staff rule
    pages: tuple[PatientTabPage, ...] = ()
    # Fields of the General form that this tab keeps instead, on an existing record.
    owns_fields: tuple[str, ...] = ()

    @property
    def url_name(self) -> str:
        return f"clinics_patient_{self.slug.replace('-', '_')}"

    def page_url_name(self, page: PatientTabPage) -> str:
        return f"{self.url_name}_{page.name}"

    def url(self, patient: Patient) -> str:
        return reverse(f"admin:{self.url_name}", args=[patient.pk])


@dataclass(frozen=True)
class PatientAction:
    name: str
    description: str
    function: PatientActionFunction
    permission: str


@dataclass(frozen=True)
class PatientPanel:
    """A section under the General tab's form of an existing record."""

    template: str
    context: Callable[[Patient], Mapping[str, Any]]
    order: int
    stylesheets: tuple[str, ...] = ()  # static paths


_tabs: dict[str, PatientTab] = {}
_actions: dict[str, PatientAction] = {}
_panels: dict[str, PatientPanel] = {}


_Entry = TypeVar("_Entry")


def _register(registry: dict[str, _Entry], key: str, entry: _Entry) -> None:
    # ready() may run again (tests do); the same entry twice is fine, two different ones not.
    existing = registry.get(key)
    if existing is not None and existing != entry:
        raise ImproperlyConfigured(f"Two different patient page entries claim {key!r}.")
    registry[key] = entry


def patient_tab_register(tab: PatientTab) -> None:
    _register(_tabs, tab.slug, tab)


def patient_action_register(action: PatientAction) -> None:
    _register(_actions, action.name, action)


def patient_panel_register(panel: PatientPanel) -> None:
    _register(_panels, panel.template, panel)


def patient_tabs() -> list[PatientTab]:
    """Every registered tab, in tab-bar order."""
    return sorted(_tabs.values(), key=lambda tab: (tab.order, tab.title))


def patient_actions() -> list[PatientAction]:
    return sorted(_actions.values(), key=lambda action: action.name)


def patient_panels() -> list[PatientPanel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.template))


def _permissions_allow(user: AnyUser, tab: PatientTab, page: PatientTabPage | None) -> bool:
    needed = [tab.permission, page.permission if page is not None else None]
    return all(user.has_perm(permission) for permission in needed if permission)


def patient_tab_allows(
    *, user: AnyUser, patient: Patient, tab: PatientTab, page: PatientTabPage | None = None
) -> bool:
    """The one staff rule every tab asks, then the tab's (and the page's) own permission."""
    return staff_may_manage_patient(user=user, patient=patient) and _permissions_allow(
        user, tab, page
    )


def patient_tab_bar(*, user: AnyUser, patient: Patient, active: str) -> list[dict[str, Any]]:
    """General, then each tab this member of staff may open, the active one marked."""
    general = {
        "title": GENERAL_TAB,
        "url": reverse("admin:clinics_patient_change", args=[patient.pk]),
    }
    shown = (
        [
            {"title": tab.title, "url": tab.url(patient)}
            for tab in patient_tabs()
            if _permissions_allow(user, tab, None)
        ]
        if staff_may_manage_patient(user=user, patient=patient)
        else []
    )
    return [{**entry, "active": entry["title"] == active} for entry in [general, *shown]]


def patient_tab_render(
    request: HttpRequest,
    *,
    patient: Patient,
    tab: str,
    template: str,
    context: Mapping[str, Any],
) -> TemplateResponse:
    """A tab page: the admin's context, the patient, the tab bar (`tab` active) and `context`.

    `context` may set its own "title" for a step below the tab; the title defaults to the tab's.
    """
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            "opts": Patient._meta,
            "original": patient,
            "patient": patient,
            "clinic": patient.clinic,
            "subtitle": str(patient),
            "has_view_permission": True,
            "patient_tabs": patient_tab_bar(user=request.user, patient=patient, active=tab),
            "tab_title": tab,
            "tab_url": next((t.url(patient) for t in patient_tabs() if t.title == tab), ""),
            "title": tab,
            **context,
        },
    )


def posted_id(request: HttpRequest, name: str) -> int:
    """A row id from the POST body; anything but a whole number is a 404, never a 500."""
    value = request.POST.get(name, "")
    # isdigit() alone lets "²" through, which int() then refuses.
    if not (value.isascii() and value.isdigit()):
        raise Http404("No such record.")
    return int(value)


def _without_fields(fieldsets: Any, names: set[str]) -> list[tuple[Any, dict[str, Any]]]:
    """The fieldsets with some fields taken out (also from a row of fields)."""
    result = []
    for title, options in fieldsets:
        fields = []
        for entry in options["fields"]:
            if isinstance(entry, tuple):
                row = tuple(field for field in entry if field not in names)
                if row:
                    fields.append(row)
            elif entry not in names:
                fields.append(entry)
        result.append((title, {**options, "fields": tuple(fields)}))
    return result


class PatientPageMixin(admin.ModelAdmin):
    """The Patient admin's side of the registry: the tabs' URLs, the tab bar on the General tab,
    the registered list actions and panels, and the General fields a tab keeps instead."""

    def _patient(self, request: HttpRequest, object_id: str) -> Patient:
        """The patient through the admin's queryset: outside the staff's clinics, a 404."""
        patient = self.get_object(request, object_id)
        if not isinstance(patient, Patient):
            raise Http404("No such record.")
        return patient

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        owned = {name for tab in patient_tabs() for name in tab.owns_fields}
        return _without_fields(fieldsets, owned)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        patient = kwargs.get("obj")
        if isinstance(patient, Patient):  # the General tab of an existing record
            context = {
                **context,
                "patient_tabs": patient_tab_bar(
                    user=request.user, patient=patient, active=GENERAL_TAB
                ),
                "patient_panels": [
                    render_to_string(panel.template, {**panel.context(patient), "patient": patient})
                    for panel in patient_panels()
                ],
                "patient_panel_stylesheets": sorted(
                    {path for panel in patient_panels() for path in panel.stylesheets}
                ),
            }
        return super().render_change_form(request, context, *args, **kwargs)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = dict(super().get_actions(request))
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for action in patient_actions():
            if request.user.has_perm(action.permission):
                actions[action.name] = (action.function, action.name, action.description)
        return actions

    def get_urls(self) -> list[URLPattern]:
        urls = []
        for tab in patient_tabs():
            urls += [
                path(
                    f"<path:object_id>/{tab.slug}/{page.route}",
                    self.admin_site.admin_view(self._tab_view(tab, page)),
                    name=tab.page_url_name(page),
                )
                for page in tab.pages
            ]
            urls.append(
                path(
                    f"<path:object_id>/{tab.slug}/",
                    self.admin_site.admin_view(self._tab_view(tab, None)),
                    name=tab.url_name,
                )
            )
        return urls + super().get_urls()

    def _tab_view(self, tab: PatientTab, page: PatientTabPage | None) -> PatientTabView:
        """Opens a tab's page the one way: the clinic-scoped lookup, then the permissions."""
        view = page.view if page is not None else tab.view
        post_only = page is not None and page.post_only

        def tab_page(request: HttpRequest, object_id: str, **kwargs: Any) -> HttpResponse:
            patient = self._patient(request, object_id)
            if not patient_tab_allows(user=request.user, patient=patient, tab=tab, page=page):
                raise PermissionDenied
            if post_only and request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, patient, **kwargs)

        return tab_page
