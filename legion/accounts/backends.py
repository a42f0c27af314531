"""Lockout (django-axes) in front of the password check."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses logins for locked-out usernames. Every login over the web passes the
    request; authenticate() calls without one (commands, the test client) have no
    client to lock out and are passed on to the password backend unchecked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
