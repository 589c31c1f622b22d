"""The OpenAPI schema: valid OpenAPI 3.1, documented as served, and the committed copy matches the code."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def generated(tmp_path) -> str:
    target = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "en", "--fail-on-warn", "--file", str(target))
    return target.read_text(encoding="utf-8")


def test_the_schema_is_valid_openapi_3_1(tmp_path):
    schema = yaml.safe_load(generated(tmp_path))
    assert schema["openapi"] == "3.1.0"
    validate(schema)


def test_the_validator_would_catch_a_broken_schema(tmp_path):
    schema = yaml.safe_load(generated(tmp_path))
    schema["paths"]["/api/v1/developer/requests/"]["get"]["responses"] = "nothing"
    with pytest.raises(OpenAPIValidationError):
        validate(schema)


def test_the_committed_schema_is_the_one_the_code_generates(tmp_path):
    """docs/openapi.yaml is what integrators read; regenerate it with `make schema` when the API changes."""
    assert COMMITTED.read_text(encoding="utf-8") == generated(tmp_path), "docs/openapi.yaml is stale: run make schema"


def test_every_organisation_endpoint_documents_the_token_its_errors_and_problem_details(tmp_path):
    schema = yaml.safe_load(generated(tmp_path))
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiToken"]["description"],
    }
    assert "AnswerDocument" in schema["components"]["schemas"]
    checked = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/v1/public/"):
                assert not operation.get("security") or {} in operation["security"], path
                assert "404" in operation["responses"] and "429" in operation["responses"], path
                continue
            checked += 1
            assert {"apiToken": []} in operation["security"], (method, path)
            for status in ("401", "403", "404", "429"):
                problem = operation["responses"][status]["content"]["application/problem+json"]["schema"]
                assert problem == {"$ref": "#/components/schemas/Problem"}, (method, path, status)
            # Writes to the draft; files are resources of their own, without a revision.
            if (method in ("put", "delete") and "/attachments/" not in path) or path.endswith(("/submit/", "/import/")):
                assert {"412", "428"} <= set(operation["responses"]), (method, path)
                assert any(p["name"] == "If-Match" and p["required"] for p in operation["parameters"]), path
    assert checked >= 28


def test_the_schema_is_served_and_the_docs_pages_load_their_scripts_from_the_portal(client, db):
    served = client.get(reverse("api:schema"), {"format": "json"})
    assert served.status_code == 200 and served.json()["openapi"] == "3.1.0"
    docs = client.get(reverse("api:docs"))
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html and "style=" not in html
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    redoc = client.get(reverse("api:redoc"))
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in redoc.content.decode()
    assert "script-src 'self' 'nonce-" in redoc["Content-Security-Policy"]


def test_the_first_public_api_addresses_move_permanently_to_v1(client, db):
    response = client.get("/api/public/requests/?state=issued")
    assert response.status_code == 308
    assert response["Location"] == reverse("api:public-request-list") + "?state=issued"
    assert client.get("/api/schema/")["Location"] == reverse("api:schema")


def test_an_unknown_api_address_is_a_problem_not_a_page(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:article16:problem:not-found"
