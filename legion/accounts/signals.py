"""Lockouts and second-factor enrolment changes go into the audit log."""

from axes.signals import user_locked_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from legion.accounts.models import RecoveryCodeDevice, StaffTOTPDevice
from legion.audit.services import audit_record


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    audit_record(action="auth.locked_out", data={"username": str(username)[:150]}, request=request)


@receiver(post_save, sender=StaffTOTPDevice, dispatch_uid="audit_totp_saved")
@receiver(post_save, sender=RecoveryCodeDevice, dispatch_uid="audit_recovery_saved")
def _device_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    # Only enrolment-relevant changes; every verification also saves the device.
    if created or (update_fields is not None and "confirmed" in update_fields):
        audit_record(
            action="permission.second_factor_added" if instance.confirmed else "auth.2fa_started",
            data={"user": instance.user.get_username(), "device": sender._meta.model_name},
        )


@receiver(post_delete, sender=StaffTOTPDevice, dispatch_uid="audit_totp_deleted")
@receiver(post_delete, sender=RecoveryCodeDevice, dispatch_uid="audit_recovery_deleted")
def _device_deleted(sender, instance, **kwargs) -> None:
    if instance.confirmed:
        audit_record(
            action="permission.second_factor_removed",
            data={"user": instance.user.get_username(), "device": sender._meta.model_name},
        )
