"""The care app's staff admin, one module per concern."""

from care.admin import appointments, documents, forms, plans, scheduling

__all__ = ["appointments", "documents", "forms", "plans", "scheduling"]
