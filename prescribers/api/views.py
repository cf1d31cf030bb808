"""The e-prescription API: one view per endpoint, each calling one service or selector."""

from __future__ import annotations

from typing import cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from prescribers.api.authentication import ApiTokenAuthentication
from prescribers.api.serializers import EPrescriptionSerializer, EPrescriptionSubmitSerializer
from prescribers.errors import PrescriberError
from prescribers.models import PrescriptionSource
from prescribers.selectors import eprescriptions_for
from prescribers.services.eprescriptions import eprescription_submit

_ERRORS = OpenApiResponse(description="Field errors: `{field: [message, ...]}`.")
_UNAUTHENTICATED = OpenApiResponse(description="Missing, invalid or revoked API token.")


class PractitionerApiView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]


class EPrescriptionSubmitView(PractitionerApiView):
    @extend_schema(
        operation_id="eprescription_submit",
        summary="Send an e-prescription to the pharmacy",
        description=(
            "Sends a prescription from one of your clinics. The same `external_id` from the same "
            "clinic returns the prescription already received (200) and never creates another."
        ),
        request=EPrescriptionSubmitSerializer,
        responses={
            201: EPrescriptionSerializer,
            200: EPrescriptionSerializer,
            400: _ERRORS,
            401: _UNAUTHENTICATED,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = EPrescriptionSubmitSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            submission = eprescription_submit(
                user=cast(User, request.user),
                practitioner_clinic=data["clinic"],
                patient=serializer.patient_details(data),
                medication=serializer.medication_details(data),
                notes=data["notes"],
                external_id=data["external_id"],
                source=PrescriptionSource.API,
            )
        except PrescriberError as error:
            return Response(
                {error.field or "non_field_errors": [error.message]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            EPrescriptionSerializer(submission.prescription).data,
            status=status.HTTP_201_CREATED if submission.created else status.HTTP_200_OK,
        )


class EPrescriptionDetailView(PractitionerApiView):
    @extend_schema(
        operation_id="eprescription_retrieve",
        summary="An e-prescription you sent, with its status",
        responses={
            200: EPrescriptionSerializer,
            401: _UNAUTHENTICATED,
            404: OpenApiResponse(description="Not one of your prescriptions."),
        },
    )
    def get(self, request: Request, prescription_id: int) -> Response:
        prescription = (
            eprescriptions_for(user=request.user)
            .select_related("patient", "practitioner_clinic")
            .filter(pk=prescription_id)
            .first()
        )
        if prescription is None:
            raise NotFound("No such prescription among yours.")
        return Response(EPrescriptionSerializer(prescription).data)
