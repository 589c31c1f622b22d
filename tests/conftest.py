import pytest
from django.utils import translation

from portal.accounts.models import Role
from tests.auth import login
from tests.factories import DeveloperFactory, DisclosureRequestFactory, MinistryFactory, member


@pytest.fixture(autouse=True)
def _japanese_by_default():
    # Each test starts from the portal's default language, whatever an earlier test activated.
    translation.activate("ja")
    yield
    translation.deactivate()


@pytest.fixture(name="login")
def _login():
    """`login(client, user)`: signed in with a verified second factor (see tests/auth.py)."""
    return login


@pytest.fixture
def ministry(db):
    return MinistryFactory()


@pytest.fixture
def developer(db):
    return DeveloperFactory()


@pytest.fixture
def official(ministry):
    return member(Role.OFFICIAL, ministry)


@pytest.fixture
def supervisor(ministry):
    return member(Role.SUPERVISOR, ministry)


@pytest.fixture
def responder(developer):
    return member(Role.RESPONDER, developer)


@pytest.fixture
def submitter(developer):
    return member(Role.SUBMITTER, developer)


@pytest.fixture
def issued_request(ministry, developer, official):
    return DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state="issued")
