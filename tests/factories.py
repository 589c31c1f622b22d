from datetime import timedelta

import factory
from django.utils import timezone

from disclosures.deadlines import today_in_japan
from disclosures.models import DisclosureRequest, Section
from disclosures.states import State
from portal.accounts.models import Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.DEVELOPER
    slug = factory.Sequence(lambda n: f"org-{n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_ja = factory.Sequence(lambda n: f"組織{n}")


class MinistryFactory(OrganisationFactory):
    kind = Organisation.Kind.MINISTRY
    name_en = factory.Sequence(lambda n: f"Ministry {n}")
    name_ja = factory.Sequence(lambda n: f"第{n}省")


class DeveloperFactory(OrganisationFactory):
    kind = Organisation.Kind.DEVELOPER
    name_en = factory.Sequence(lambda n: f"Developer {n} K.K.")
    name_ja = factory.Sequence(lambda n: f"開発者{n}株式会社")


class RightsHolderFactory(OrganisationFactory):
    kind = Organisation.Kind.RIGHTS_HOLDER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.jp")
    preferred_language = "ja"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(role: str, organisation: Organisation | None = None, **user_fields) -> User:
    """A user acting for `organisation` (a new one of the right kind when omitted) in `role`."""
    if organisation is None:
        organisation = {
            Role.OFFICIAL: MinistryFactory,
            Role.SUPERVISOR: MinistryFactory,
            Role.RESPONDER: DeveloperFactory,
            Role.SUBMITTER: DeveloperFactory,
            Role.RIGHTS_HOLDER: RightsHolderFactory,
        }[role]()
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


class DisclosureRequestFactory(factory.django.DjangoModelFactory):
    """A request in any state; `issued_at` and the deadline follow the state."""

    class Meta:
        model = DisclosureRequest

    reference = factory.Sequence(lambda n: f"AIPA16-2026-{n + 1:04d}")
    ministry = factory.SubFactory(MinistryFactory)
    developer = factory.SubFactory(DeveloperFactory)
    drafted_by = factory.LazyAttribute(lambda r: member(Role.OFFICIAL, r.ministry))
    model_name = "Kumo Video"
    model_version = "2.1"
    sections = factory.LazyFunction(lambda: [Section.TRAINING_DATA, Section.SOURCES, Section.OUTPUT_FILTERS])
    covering_letter = "技術的な説明を求めます。Please explain how the model was trained."
    deadline = factory.LazyFunction(lambda: today_in_japan() + timedelta(days=20))
    state = State.DRAFT
    issued_at = factory.LazyAttribute(
        lambda r: None if r.state in (State.DRAFT,) else timezone.now() - timedelta(days=3)
    )
