"""The e-prescription API's request and response bodies."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from clinics.models import PractitionerClinic, Sex
from prescribers.api.fields import (
    QuantityField,
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
)
from prescribers.models import EPrescription, PrescriptionStatus
from prescribers.policy import practitioner_clinic_for
from prescribers.services.eprescriptions import MedicationDetails, PatientDetails
from prescribers.validators import validate_birth_date


class PatientSerializer(serializers.Serializer):
    first_name = StrictCharField(max_length=100)
    last_name = StrictCharField(max_length=100)
    date_of_birth = serializers.DateField(
        validators=[validate_birth_date], help_text="Not in the future, and not before 1900."
    )
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    phone = StrictCharField(max_length=40, required=False, allow_blank=True, default="")
    email = StrictEmailField(max_length=254, required=False, allow_blank=True, default="")


class MedicationSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    strength = StrictCharField(max_length=100)
    dosage_form = StrictCharField(max_length=100)
    quantity = QuantityField()
    refills = StrictIntegerField(min_value=0, max_value=99, default=0)
    directions = StrictCharField(max_length=1000)
    days_supply = StrictIntegerField(min_value=1, max_value=365)


class EPrescriptionSubmitSerializer(serializers.Serializer):
    clinic = StrictIntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of one of your clinics (listed in the portal under API tokens).",
    )
    external_id = StrictCharField(
        max_length=100,
        help_text=(
            "Your system's id for this prescription: sending it again with the same body returns "
            "the same prescription; with a different body, 409."
        ),
    )
    patient = PatientSerializer()
    medication = MedicationSerializer()
    notes = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate_clinic(self, value: int) -> PractitionerClinic:
        combination = practitioner_clinic_for(user=self.context["request"].user, clinic_id=value)
        if combination is None:
            raise serializers.ValidationError("Not one of your active clinics.")
        return combination

    @staticmethod
    def patient_details(data: dict[str, Any]) -> PatientDetails:
        return PatientDetails(**data["patient"])

    @staticmethod
    def medication_details(data: dict[str, Any]) -> MedicationDetails:
        return MedicationDetails(**data["medication"])


class PatientOutSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()


class MedicationOutSerializer(serializers.Serializer):
    name = serializers.CharField(source="medication_name")
    strength = serializers.CharField()
    dosage_form = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=8, decimal_places=2)
    refills = serializers.IntegerField()
    directions = serializers.CharField()
    days_supply = serializers.IntegerField()


class EPrescriptionSerializer(serializers.ModelSerializer):
    clinic = serializers.IntegerField(
        source="practitioner_clinic.clinic_id", read_only=True, allow_null=True
    )
    patient = PatientOutSerializer(read_only=True)
    medication = MedicationOutSerializer(source="*", read_only=True)
    status = serializers.ChoiceField(choices=PrescriptionStatus.choices, read_only=True)

    class Meta:
        model = EPrescription
        fields = (
            "id",
            "external_id",
            "clinic",
            "status",
            "patient",
            "medication",
            "notes",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What was refused and what to do about it.")


class ConflictSerializer(ErrorSerializer):
    prescription = serializers.IntegerField(
        help_text="The id of the prescription already received with this external_id."
    )
