"""The e-prescription API: one view per endpoint, each calling one service or selector."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from prescribers.api.authentication import ApiTokenAuthentication
from prescribers.api.serializers import (
    ConflictSerializer,
    EPrescriptionSerializer,
    EPrescriptionSubmitSerializer,
    ErrorSerializer,
)
from prescribers.api.throttling import ApiTokenRateThrottle
from prescribers.errors import PrescriberError, SubmissionConflict
from prescribers.models import PrescriptionSource
from prescribers.policy import eprescriptions_for
from prescribers.services.eprescriptions import eprescription_submit


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


# Refusals any endpoint may give, before or around its own work.
_COMMON_ERRORS = {
    401: _error("Missing, invalid, expired or revoked API token, or HTTP Basic (never accepted)."),
    406: _error("The `Accept` header asks for something other than JSON."),
    429: _error("Too many requests with this token; `Retry-After` says when to try again."),
}


# The API signs nobody in by session: the bearer token authenticates each request, and a missing
# one is a 401 in JSON, never a redirect to the sign-in page.
@method_decorator(login_not_required, name="dispatch")
class PractitionerApiView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ApiTokenRateThrottle]


class EPrescriptionSubmitView(PractitionerApiView):
    @extend_schema(
        operation_id="eprescription_submit",
        summary="Send an e-prescription to the pharmacy",
        description=(
            "Sends a prescription from one of your clinics. Sending the same `external_id` from "
            "the same clinic again with the same body returns the prescription already received "
            "(200) and never creates another; with a different body it is refused (409)."
        ),
        request={"application/json": EPrescriptionSubmitSerializer},
        responses={
            201: EPrescriptionSerializer,
            200: EPrescriptionSerializer,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="Field errors: `{field: [message, ...]}`, or `{detail: message}`.",
            ),
            409: OpenApiResponse(
                response=ConflictSerializer,
                description="The `external_id` was already used for a different prescription.",
            ),
            413: _error("The body is larger than the API accepts."),
            415: _error("The body is not `application/json`."),
            **_COMMON_ERRORS,
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
        except SubmissionConflict as conflict:
            return Response(
                {"detail": conflict.message, "prescription": conflict.existing.pk},
                status=status.HTTP_409_CONFLICT,
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
            404: _error("Not one of your prescriptions."),
            **_COMMON_ERRORS,
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
