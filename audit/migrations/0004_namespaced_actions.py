"""Audit actions get one naming scheme, "<app label>.<event>", each an enum member with a label
(see audit/events.py). The rows already written are renamed to the new codes, so the history
reads the same way as what is written from now on: only the code changes, never who, what
record, when or the details. On PostgreSQL the append-only trigger is set aside for these
UPDATEs only, inside the migration's transaction (ALTER TABLE locks the table, so no other write
can slip past while it is off); the app role cannot do this, only the owner that migrates."""

from django.db import migrations, models

import audit.events

# Every action written before this migration (all call sites at commit 88c838d) and its new code.
RENAMED = {
    "account.password_changed": "accounts.password_changed",
    "account.password_set": "accounts.password_set",
    "account.password_removed": "accounts.password_removed",
    "account.second_factor_added": "accounts.second_factor_added",
    "account.second_factor_removed": "accounts.second_factor_removed",
    "account.second_factor_reset": "accounts.second_factor_reset",
    "account.second_factor_removed_by_admin": "accounts.second_factor_removed_by_admin",
    "account.rights_changed": "accounts.rights_changed",
    "account.groups_changed": "accounts.groups_changed",
    "account.permissions_changed": "accounts.permissions_changed",
    "account.signed_in": "accounts.signed_in",
    "account.sign_in_failed": "accounts.sign_in_failed",
    "outbox.email_resent": "outbox.email_resent",
    "clinic.staff_added": "clinics.staff_added",
    "patient.created": "clinics.patient_created",
    "patient.updated": "clinics.patient_updated",
    "practitioner.created": "clinics.practitioner_created",
    "practitioner.updated": "clinics.practitioner_updated",
    "practitioner.account_attached": "clinics.practitioner_account_attached",
    "practitioner_clinic.created": "clinics.practitioner_clinic_created",
    "practitioner_clinic.updated": "clinics.practitioner_clinic_updated",
    "practitioner_clinic.archived": "clinics.practitioner_clinic_archived",
    "practitioner_clinic.restored": "clinics.practitioner_clinic_restored",
    "portal.grant_created": "access_control.grant_created",
    "portal.grant_revoked": "access_control.grant_revoked",
    "portal.account_created_manually": "access_control.account_created_manually",
    "portal.invitation_sent": "access_control.invitation_sent",
    "portal.invitation_revoked": "access_control.invitation_revoked",
    "portal.invitation_accepted": "access_control.invitation_accepted",
    "portal.patient_blocked": "access_control.patient_blocked",
    "portal.patient_unblocked": "access_control.patient_unblocked",
    "portal.available_practitioners_set": "access_control.available_practitioners_set",
    "portal.clinic_settings_saved": "access_control.clinic_settings_saved",
    "care.viewed_by_staff": "care.viewed_by_staff",
    "care.clinic_settings_saved": "care.clinic_settings_saved",
    "availability.saved": "care.availability_saved",
    "availability.deleted": "care.availability_deleted",
    "time_off.saved": "care.time_off_saved",
    "time_off.deleted": "care.time_off_deleted",
    "appointment.booked": "care.appointment_booked",
    "appointment.moved": "care.appointment_moved",
    "appointment.cancelled": "care.appointment_cancelled",
    "document.uploaded": "care.document_uploaded",
    "document.updated": "care.document_updated",
    "document.downloaded": "care.document_downloaded",
    "plan.created": "care.plan_created",
    "plan.updated": "care.plan_updated",
    "form_template.created": "care.form_template_created",
    "form_template.updated": "care.form_template_updated",
    "form.assigned": "care.form_assigned",
    "form.progress_saved": "care.form_progress_saved",
    "form.submitted": "care.form_submitted",
    "form.answers_printed": "care.form_answers_printed",
    "family_links.clinic_settings_saved": "family_links.clinic_settings_saved",
    "family_links.link_generated": "family_links.link_generated",
    "family_links.link_sent": "family_links.link_sent",
    "family_links.family_links_sent": "family_links.family_links_sent",
    "family_links.reminder_sent": "family_links.reminder_sent",
    "family_links.link_revoked": "family_links.link_revoked",
    "family_links.check_failed": "family_links.check_failed",
    "family_links.link_locked": "family_links.link_locked",
    "family_links.link_redeemed": "family_links.link_redeemed",
    "portal.demographics_updated": "family_links.demographics_updated",
    "prescriber.created": "prescribers.profile_created",
    "prescriber.created_automatically": "prescribers.profile_created_automatically",
    "prescriber.updated": "prescribers.profile_updated",
    "prescriber.linked": "prescribers.profile_linked",
    "prescriber.disconnected": "prescribers.profile_disconnected",
    "prescriber.archived": "prescribers.profile_archived",
    "prescriber.restored": "prescribers.profile_restored",
    "prescriber.reviewed": "prescribers.profile_reviewed",
    "prescriber.merged": "prescribers.profile_merged",
    "prescriber.merge_received": "prescribers.profile_merge_received",
    "prescriber.invitation_sent": "prescribers.invitation_sent",
    "prescriber.invitation_accepted": "prescribers.invitation_accepted",
    "api_token.created": "prescribers.api_token_created",
    "api_token.revoked": "prescribers.api_token_revoked",
    "eprescription.received": "prescribers.eprescription_received",
    "eprescription.status_changed": "prescribers.eprescription_status_changed",
    "portal.appointments_viewed": "portal.appointments_viewed",
    "portal.documents_viewed": "portal.documents_viewed",
    "portal.plans_viewed": "portal.plans_viewed",
    "portal.forms_viewed": "portal.forms_viewed",
    "portal.form_viewed": "portal.form_viewed",
}
TRIGGER = "audit_event_append_only"


def _rename(apps, schema_editor, mapping):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    table = AuditEvent._meta.db_table
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        # ALTER TABLE refuses while rows written earlier in this transaction still have foreign
        # key checks to run: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGER}")
    for old, new in mapping.items():
        if old == new:
            continue
        AuditEvent.objects.filter(action=old).update(action=new)
    if postgres:
        schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGER}")


def forwards(apps, schema_editor):
    _rename(apps, schema_editor, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_block_truncate")]
    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=audit.events.audit_action_choices, db_index=True, max_length=80
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
