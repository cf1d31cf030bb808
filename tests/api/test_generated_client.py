"""A real client: generated from the served schema by openapi-python-client, used over HTTP.

It submits a prescription, resends it (the same one comes back), resends a changed body under
the same external ID (409), and reads the prescription back.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from prescribers.models import EPrescription
from tests.api.conftest import ApiCaller

PACKAGE = "carelink_api_client"


@pytest.fixture
def generated_client(live_server: Any, tmp_path: Path) -> Iterator[ModuleType]:
    schema_file = tmp_path / "openapi.json"
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as response:  # noqa: S310
        schema_file.write_bytes(response.read())
    # No post-generation hooks: they would run ruff on the output, which a client does not need.
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\n")
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(schema_file),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_a_generated_client_submits_resends_and_reads_a_prescription(
    live_server: Any, caller: ApiCaller, generated_client: ModuleType
) -> None:
    submit = importlib.import_module(f"{PACKAGE}.api.default.eprescription_submit")
    retrieve = importlib.import_module(f"{PACKAGE}.api.default.eprescription_retrieve")
    models = importlib.import_module(f"{PACKAGE}.models")
    client = generated_client.AuthenticatedClient(base_url=live_server.url, token=caller.token)

    def body(directions: str) -> Any:
        return models.EPrescriptionSubmitRequest(
            clinic=caller.practitioner_clinic.clinic_id,
            external_id="EHR-7001",
            patient=models.PatientRequest(
                first_name="Harold", last_name="Benson", date_of_birth=date(1948, 7, 2)
            ),
            medication=models.MedicationRequest(
                name="Metformin",
                strength="500 mg",
                dosage_form="tablet",
                quantity="60",
                directions=directions,
                days_supply=30,
                refills=2,
            ),
        )

    with client as http:
        created = submit.sync_detailed(client=http, body=body("Take 1 tablet twice daily."))
        again = submit.sync_detailed(client=http, body=body("Take 1 tablet twice daily."))
        changed = submit.sync_detailed(client=http, body=body("Take 2 tablets twice daily."))
        read = retrieve.sync_detailed(client=http, prescription_id=created.parsed.id)

    assert created.status_code == 201
    assert isinstance(created.parsed, models.EPrescription)
    assert created.parsed.medication.name == "Metformin"
    assert again.status_code == 200
    assert again.parsed.id == created.parsed.id
    assert changed.status_code == 409
    assert isinstance(changed.parsed, models.Conflict)
    assert changed.parsed.prescription == created.parsed.id
    assert read.status_code == 200
    assert read.parsed.id == created.parsed.id
    assert read.parsed.status == models.StatusEnum.RECEIVED
    assert EPrescription.objects.get().directions == "Take 1 tablet twice daily."
