"""The demo legion's configuration: missions, staff, advisories, eligibility rules, slots.

Every function here is idempotent, so `legion demo` can be re-run over a partial load.
"""

import base64
import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from legion.advisories.models import Advisory, AdvisoryText
from legion.cases.eligibility import DEFAULT_PARAMETERS
from legion.cases.models import EligibilityRule, VisaType
from legion.content.catalogues import catalogues_import_all
from legion.demo import content
from legion.interviews.models import InterviewSlot
from legion.interviews.services import slot_series_create
from legion.missions.models import Membership, Mission, Role


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    mission: str  # mission code, or "HQ"


def demo_password() -> str:
    """The password of every demo login: LEGION_DEMO_PASSWORD, or one generated once per
    checkout into var/ (never committed), so `make run` can print it every time."""
    if value := settings.LEGION_DEMO_PASSWORD:
        return value
    path = settings.VAR_DIR / "demo-password"
    if not path.exists():
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(f"demo-{secrets.token_urlsafe(9)}\n")
        path.chmod(0o600)
    return path.read_text().strip()


def demo_totp_key() -> str:
    """The authenticator key every demo login shares (hex), generated once per checkout
    into var/ like the password: one entry in an authenticator app serves them all."""
    path = settings.VAR_DIR / "demo-totp-key"
    if not path.exists():
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(20) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def demo_totp_secret() -> str:
    """The shared key as people type it into an authenticator app (base32)."""
    return base64.b32encode(bytes.fromhex(demo_totp_key())).decode()


def demo_totp_code() -> str:
    """The code an authenticator app with the demo key shows now."""
    from django_otp.oath import TOTP

    from legion.accounts.models import StaffTOTPDevice, totp_time

    totp = TOTP(bytes.fromhex(demo_totp_key()), StaffTOTPDevice.STEP, 0, StaffTOTPDevice.DIGITS)
    totp.time = totp_time()
    return f"{totp.token():0{StaffTOTPDevice.DIGITS}d}"


def _second_factor(user) -> None:
    """Staff sign in with a password and a code; demo staff share one authenticator key."""
    from legion.accounts.services import two_factor_provision, user_has_two_factor

    if not user_has_two_factor(user):
        two_factor_provision(user=user, key_hex=demo_totp_key())


def missions_create() -> dict[str, Mission]:
    """The demo legion's embassies, keyed by code."""
    missions = {}
    for code, name, country, city, zone, languages in content.MISSIONS:
        mission, _ = Mission.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "country": country,
                "city": city,
                "timezone": zone,
                "interview_languages": languages,
                "email": f"legion.{code}@mfa.example",
                "phone": "+380 44 000 0000",
                "address": f"Embassy of Ukraine, {city}",
                "default_entry_point": content.ENTRY_POINTS.get(
                    code, content.ENTRY_POINTS["default"]
                ),
                "default_assembly_point": content.ASSEMBLY_POINT,
                "default_contacts": content.CONTACTS,
            },
        )
        missions[code] = mission
    return missions


def _user(username: str, first: str, last: str, password_hash: str, *, admin: bool = False):
    user, _created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@mfa.example",
            "password": password_hash,
            "is_staff": admin,
            "is_superuser": admin,
        },
    )
    return user


def staff_create(missions: dict[str, Mission]) -> list[Login]:
    """Staff for every role: three people per mission role at each mission, and HQ."""
    # One hash for all demo logins: hashing is deliberately slow, and they share a password.
    password_hash = make_password(demo_password())
    logins = []
    names = iter(content.STAFF_NAMES * 4)
    for code, mission in missions.items():
        for suffix, role in content.MISSION_STAFF:
            first, last = next(names)
            user = _user(f"{code}.{suffix}", first, last, password_hash)
            _second_factor(user)
            Membership.objects.get_or_create(user=user, role=role, mission=mission)
            logins.append(Login(user.username, role, code))
    for username, role, first, last in content.HQ_STAFF:
        user = _user(username, first, last, password_hash, admin=role == Role.ADMINISTRATOR)
        _second_factor(user)
        Membership.objects.get_or_create(user=user, role=role, mission=None)
        logins.append(Login(username, role, "HQ"))
    return logins


def advisories_create() -> list[Advisory]:
    """The stances reported in March 2022 and the prisoner-of-war risk notice."""
    advisories = []
    for item in content.ADVISORIES:
        advisory, _ = Advisory.objects.get_or_create(
            nationality=item.nationality,
            defaults={
                "stance": item.stance,
                "source": item.source,
                "reviewed_on": content.REVIEWED_ON,
            },
        )
        for language, (title, body) in item.texts.items():
            AdvisoryText.objects.get_or_create(
                advisory=advisory, language=language, defaults={"title": title, "body": body}
            )
        advisories.append(advisory)
    return advisories


def eligibility_rules_create() -> None:
    """One row per rule with the legion's published defaults, for administrators to edit."""
    for code, parameters in DEFAULT_PARAMETERS.items():
        parameters = {**parameters, **content.RULE_PARAMETERS.get(code, {})}
        EligibilityRule.objects.get_or_create(code=code, defaults={"parameters": parameters})


def visa_types_create() -> None:
    for code, label in content.VISA_TYPES:
        VisaType.objects.update_or_create(code=code, defaults={"label": label})


def slots_create(missions: dict[str, Mission], *, weeks: int = 2) -> int:
    """Weekday interview slots, 09:00–17:00 every 45 minutes, from tomorrow on."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    created = 0
    for mission in missions.values():
        created += len(
            slot_series_create(
                mission_id=mission.pk,
                first_day=tomorrow,
                last_day=tomorrow + dt.timedelta(weeks=weeks),
                day_starts=dt.time(9),
                day_ends=dt.time(17),
                minutes=45,
                location=f"{mission.city}: consular section, interview room 1",
                languages=mission.interview_languages,
            )
        )
    return created


DEMO_WATCHLIST = Path(__file__).with_name("watchlist.ftm.json")
DEMO_WATCHLIST_SOURCE = "demo-watchlist"


def watchlist_demo_import():
    """The demo watch list (fictional people, FollowTheMoney JSON lines as OpenSanctions
    publishes them), imported as `legion watchlist import` would: applicants submitted
    afterwards are screened against it at intake."""
    from legion.identity.watchlists import watchlist_import

    return watchlist_import(
        source=DEMO_WATCHLIST_SOURCE, text=DEMO_WATCHLIST.read_text(encoding="utf-8"), fmt="ftm"
    )


@transaction.atomic
def demo_configure() -> tuple[dict[str, Mission], list[Login]]:
    """Missions, staff, advisories, eligibility rules, slots and the watch list of the
    demo legion."""
    missions = missions_create()
    logins = staff_create(missions)
    advisories_create()
    eligibility_rules_create()
    visa_types_create()
    if not InterviewSlot.objects.filter(starts_at__gt=timezone.now()).exists():
        slots_create(missions)
    watchlist_demo_import()
    # Mission names, places and sources in every portal language (legion/locale/*/content.po).
    catalogues_import_all()
    return missions, logins


def staff_logins() -> list[Login]:
    """Every staff login with its roles, mission staff first (for printing)."""
    memberships = Membership.objects.select_related("user", "mission").order_by(
        "mission__code", "user__username", "role"
    )
    logins = [
        Login(m.user.username, m.role, m.mission.code if m.mission else "HQ") for m in memberships
    ]
    return [lg for lg in logins if lg.mission != "HQ"] + [lg for lg in logins if lg.mission == "HQ"]
