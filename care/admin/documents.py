"""Patient documents in the staff admin: upload, share in the portal, download (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from accounts.roles import signed_in_user
from care.models import Document, DocumentCategory
from care.responses import document_file_response
from care.services.documents import document_file_check, document_update, document_upload
from clinics.admin_scope import ClinicScopedAdmin


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ("patient", "title", "category", "file", "shared_in_portal")

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if file is not None and self.instance.pk is None:
            document_file_check(file=file)
        return file


@admin.register(Document)
class DocumentAdmin(ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    form = DocumentForm
    list_display = ("title", "patient", "category", "shared_in_portal", "created_at", "download")
    list_filter = ("category", "shared_in_portal")
    list_select_related = ("patient",)
    search_fields = ("title", "patient__last_name", "patient__first_name")
    date_hierarchy = "created_at"
    autocomplete_fields = ("patient",)

    @admin.display(description="File")
    def download(self, obj: Document) -> str:
        url = reverse("admin:care_document_download", args=[obj.pk])
        return format_html('<a href="{}">Download {}</a>', url, obj.original_name)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("patient", "title", "category", "file", "shared_in_portal")
        return (
            "patient",
            "title",
            "category",
            "shared_in_portal",
            "download",
            "size",
            "uploaded_by",
            "created_at",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        # The file of a document never changes: a corrected file is a new document.
        return ("patient", "download", "size", "uploaded_by", "created_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        data = form.cleaned_data
        actor = signed_in_user(request)
        if change:
            document_update(
                document=Document.objects.select_related("patient").get(pk=obj.pk),
                title=data["title"],
                category=DocumentCategory(data["category"]),
                shared_in_portal=data["shared_in_portal"],
                actor=actor,
            )
            return
        uploaded = document_upload(
            patient=data["patient"],
            title=data["title"],
            category=DocumentCategory(data["category"]),
            file=data["file"],
            shared_in_portal=data["shared_in_portal"],
            actor=actor,
        )
        obj.pk = uploaded.pk

    def get_urls(self) -> list[URLPattern]:
        urls = [
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="care_document_download",
            )
        ]
        return urls + super().get_urls()

    def download_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        document: Document = self.get_object(request, object_id)  # 404 outside the staff's clinics
        if not self.has_view_permission(request, document):
            raise Http404("No such document.")
        return document_file_response(document=document, actor=signed_in_user(request))
