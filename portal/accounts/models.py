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

    def get_full_name(self) -> str:
        """The name as the reader's language writes it: family name first in Japanese ("佐藤 健一"),
        given name first otherwise ("Kenichi Sato"). Every page and mail shows names through this."""
        from django.utils.translation import get_language

        family, given = self.last_name.strip(), self.first_name.strip()
        parts = (family, given) if (get_language() or "ja").startswith("ja") else (given, family)
        return " ".join(part for part in parts if part)

    @property
    def display_name(self) -> str:
        """The full name, or the user name when none was given."""
        return self.get_full_name() or self.username

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


class ApiToken(models.Model):
    """A key an organisation's system uses for the API, made by one person and acting with their role.

    Only the SHA-256 of the secret is kept; `prefix` (the secret's first characters) names the token on
    pages and in the audit trail. Whether a token still works is re-checked on every use against its
    creator's current membership (`portal.accounts.api_tokens.token_user`).
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(scope__in=["read", "read_write"]), name="api_token_scope_valid"),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="api_token_expires_after_creation"
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_live")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        from django.utils import timezone

        return self.revoked_at is None and self.expires_at > timezone.now()
