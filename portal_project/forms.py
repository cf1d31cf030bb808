"""The one form renderer: every form and field of the product is drawn by templates/forms/."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """`{{ form }}` and `{{ field.as_field_group }}` draw the label, the widget, the help text and
    the errors the same way on every page, with the widget described by its help and errors
    (aria-describedby) and marked aria-invalid when it has errors. The staff admin keeps its own
    field layout (its templates never ask for a field group)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
