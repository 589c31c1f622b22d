"""Schemathesis against the running API (pytest-django's live server on PostgreSQL, Redis as cache and broker).

Every operation of the committed schema (docs/openapi.yaml, which tests/unit/test_api_schema.py keeps
equal to the code) is called with generated parameters and bodies: the public ones anonymously, the
developer ones with a submitter's read-and-write token and the ministry ones with an official's read
token, on a real request of theirs. No response may be a 5xx, and every status, content type and body
must be the one the schema documents. Bounded: a few examples per operation, a few minutes in all.
"""

from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from disclosures.deadlines import today_in_japan
from disclosures.states import State
from portal.accounts import api_tokens
from portal.accounts.models import ApiToken, Role
from tests.factories import DeveloperFactory, DisclosureRequestFactory, MinistryFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _config() -> schemathesis.Config:
    config = schemathesis.Config()
    # The coverage phase probes every method and boundary of every operation (about 20 s each); the
    # generated examples below keep the run within a few minutes.
    config.projects.default.phases.coverage.enabled = False
    config.projects.default.phases.stateful.enabled = False
    return config


SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml", config=_config())
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 8


def _token(user, scope: str) -> str:
    return api_tokens.create_api_token(
        user=user,
        name="schemathesis",
        scope=scope,
        expires_on=today_in_japan() + timedelta(days=1),
        second_factor_verified=True,
    ).secret


@pytest.fixture
def world():
    ministry, developer = MinistryFactory(), DeveloperFactory()
    official = member(Role.OFFICIAL, ministry)
    request = DisclosureRequestFactory(
        ministry=ministry,
        developer=developer,
        drafted_by=official,
        state=State.ISSUED,
        sections=["provider", "training_data", "sources", "output_filters", "takedown", "governance"],
    )
    request.questions.create(position=1, text="アニメ作品は学習に含まれていますか。")
    return {
        "request": str(request.public_id),
        "developer": _token(member(Role.SUBMITTER, developer), ApiToken.Scope.READ_WRITE),
        "ministry": _token(official, ApiToken.Scope.READ),
    }


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_conforms_to_its_schema_and_never_fails_with_a_5xx(case, world, live_server):
    headers = {"Accept-Language": "ja"}
    for audience in ("developer", "ministry"):
        if case.path.startswith(f"/api/v1/{audience}/"):
            headers["Authorization"] = f"Bearer {world[audience]}"
            # On the caller's own request, so the calls reach validation, concurrency and the services.
            if "public_id" in (case.path_parameters or {}):
                case.path_parameters["public_id"] = world["request"]
    case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)
