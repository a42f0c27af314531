"""What the portal itself remembers: which start-of-application form opened which draft."""

from django.db import models


class ApplicationStart(models.Model):
    """One row per submitted "start an application" form, keyed by the random key the
    form carried. A double click or a resubmitted form finds the draft its key opened
    instead of opening a second one."""

    key = models.CharField(max_length=64, unique=True)
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"start of {self.case_id}"
