import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        DEVELOPER = "developer", _("AI developer")
        RIGHTS_HOLDER = "rights_holder", _("Rights holder")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(unique=True, help_text=_("Used in public URLs, e.g. the company page."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["ministry", "developer", "rights_holder"]),
                name="organisation_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_ja if (get_language() or "ja").startswith("ja") else self.name_en


class Role(models.TextChoices):
    OFFICIAL = "official", _("Official")
    SUPERVISOR = "supervisor", _("Supervisor")
    RESPONDER = "responder", _("Responder")
    SUBMITTER = "submitter", _("Submitter")
    RIGHTS_HOLDER = "rights_holder", _("Rights holder")


# Which roles an organisation of each kind may give its members.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    Organisation.Kind.MINISTRY: frozenset({Role.OFFICIAL, Role.SUPERVISOR}),
    Organisation.Kind.DEVELOPER: frozenset({Role.RESPONDER, Role.SUBMITTER}),
    Organisation.Kind.RIGHTS_HOLDER: frozenset({Role.RIGHTS_HOLDER}),
}
MINISTRY_ROLES = ROLES_BY_KIND[Organisation.Kind.MINISTRY]
DEVELOPER_ROLES = ROLES_BY_KIND[Organisation.Kind.DEVELOPER]


class User(AbstractUser):
    """A person who signs in. Their organisation and role come from their membership."""

    email = models.EmailField(_("email address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ja"
    )

    @property
    def membership_or_none(self) -> "Membership | None":
        try:
            return self.membership
        except Membership.DoesNotExist:
            return None

    @property
    def role(self) -> str | None:
        membership = self.membership_or_none
        return membership.role if membership else None

    @property
    def organisation(self) -> Organisation | None:
        membership = self.membership_or_none
        return membership.organisation if membership else None

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


class Membership(models.Model):
    """A person acts for exactly one organisation, in one role."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.organisation_id and self.role not in ROLES_BY_KIND[self.organisation.kind]:
            raise ValidationError(
                {
                    "role": _("A %(kind)s cannot give the role %(role)s.")
                    % {"kind": self.organisation.get_kind_display(), "role": self.get_role_display()}
                }
            )
