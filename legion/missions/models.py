"""Missions (embassies, consulates) and the staff who work in them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Mission(models.Model):
    class Kind(models.TextChoices):
        EMBASSY = "embassy", _("Embassy")
        CONSULATE = "consulate", _("Consulate")

    code = models.SlugField(
        max_length=40, unique=True, help_text="Short code used in references and URLs, e.g. lon."
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.EMBASSY)
    country = CountryField(help_text="Host country of the mission.")
    city = models.CharField(max_length=100)
    timezone = models.CharField(max_length=64, default="UTC")
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Languages the mission can interview in, as language codes ("en", "ja").
    interview_languages = models.JSONField(default=list, blank=True)
    # Defaults offered to staff when they write travel instructions.
    default_entry_point = models.CharField(max_length=200, blank=True)
    default_assembly_point = models.CharField(max_length=200, blank=True)
    default_contacts = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CONSULAR_OFFICER = "consular_officer", _("Consular officer")
    DEFENCE_ATTACHE = "defence_attache", _("Defence attaché")
    CONSUL = "consul", _("Consul")
    HQ_SECURITY = "hq_security", _("HQ security")
    HQ_ANALYST = "hq_analyst", _("HQ analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


MISSION_ROLES = frozenset({Role.CONSULAR_OFFICER, Role.DEFENCE_ATTACHE, Role.CONSUL})
HQ_ROLES = frozenset({Role.HQ_SECURITY, Role.HQ_ANALYST, Role.ADMINISTRATOR})


class Membership(models.Model):
    """A staff member holding one role; mission roles name their mission, HQ roles none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role)
    mission = models.ForeignKey(
        Mission, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "mission"], name="membership_unique_role_per_mission"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(mission__isnull=True),
                name="membership_unique_hq_role",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(MISSION_ROLES), mission__isnull=False)
                    | models.Q(role__in=sorted(HQ_ROLES), mission__isnull=True)
                ),
                name="membership_mission_matches_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.mission.code if self.mission_id else "HQ"
        return f"{self.user} – {self.get_role_display()} ({where})"
