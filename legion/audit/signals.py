"""Logins and permission changes go into the audit log, whichever way they happen
(workspace, admin, shell, command)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from legion.audit.services import audit_record
from legion.missions.models import Membership

User = get_user_model()
PERMISSION_FLAGS = ("is_active", "is_staff", "is_superuser")


@receiver(user_logged_in, dispatch_uid="audit_login")
def _login(sender, request, user, **kwargs) -> None:
    audit_record(action="auth.login", actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logout(sender, request, user, **kwargs) -> None:
    audit_record(action="auth.logout", actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(action="auth.login_failed", data={"username": username}, request=request)


def _membership_data(membership: Membership) -> dict:
    return {
        "user": membership.user.get_username(),
        "role": membership.role,
        "mission": membership.mission.code if membership.mission_id else "",
    }


@receiver(post_save, sender=Membership, dispatch_uid="audit_membership_saved")
def _membership_saved(sender, instance: Membership, created: bool, **kwargs) -> None:
    action = "permission.membership_added" if created else "permission.membership_changed"
    audit_record(action=action, data=_membership_data(instance))


@receiver(post_delete, sender=Membership, dispatch_uid="audit_membership_deleted")
def _membership_deleted(sender, instance: Membership, **kwargs) -> None:
    audit_record(action="permission.membership_removed", data=_membership_data(instance))


@receiver(pre_save, sender=User, dispatch_uid="audit_user_flags_before")
def _user_flags_before(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        instance._audit_flags_before = None
        return
    instance._audit_flags_before = (
        User.objects.filter(pk=instance.pk).values(*PERMISSION_FLAGS).first()
    )


@receiver(post_save, sender=User, dispatch_uid="audit_user_flags_after")
def _user_flags_after(sender, instance, created: bool, **kwargs) -> None:
    now = {flag: getattr(instance, flag) for flag in PERMISSION_FLAGS}
    if created:
        audit_record(
            action="permission.user_created", data={"user": instance.get_username(), **now}
        )
        return
    before = getattr(instance, "_audit_flags_before", None)
    if before is not None and before != now:
        changed = {
            flag: [before[flag], now[flag]]
            for flag in PERMISSION_FLAGS
            if before[flag] != now[flag]
        }
        audit_record(
            action="permission.user_flags_changed",
            data={"user": instance.get_username(), "changed": changed},
        )


@receiver(post_delete, sender=User, dispatch_uid="audit_user_deleted")
def _user_deleted(sender, instance, **kwargs) -> None:
    audit_record(action="permission.user_deleted", data={"user": instance.get_username()})


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_user_groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit_user_perms")
def _user_permissions_changed(sender, instance, action: str, pk_set, model, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    audit_record(
        action="permission.user_permissions_changed",
        data={
            "user": getattr(instance, "get_username", lambda: str(instance))(),
            "change": action.removeprefix("post_"),
            "what": model._meta.model_name,
            "ids": sorted(pk_set or []),
        },
    )
