from django.db import models
from django.utils.translation import gettext_lazy as _

THROTTLE_SUBJECT_MAX_LENGTH = 254


class ThrottleEvent(models.Model):
    """One counted event of a throttled action, such as a failed sign-in for a username.

    `scope` names the action and what is counted (for example
    `sign-in-username`); `subject` is the username or client address.
    """

    scope = models.CharField(_("scope"), max_length=40)
    subject = models.CharField(_("subject"), max_length=THROTTLE_SUBJECT_MAX_LENGTH)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("throttle event")
        verbose_name_plural = _("throttle events")
        indexes = [models.Index(fields=["scope", "subject", "at"], name="throttle_scope_subject_at")]

    def __str__(self) -> str:
        return f"{self.scope} {self.subject} {self.at:%Y-%m-%d %H:%M:%S}"
