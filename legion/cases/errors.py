"""The domain's refusals about cases, below every module that raises them (services,
the access policy), so that none of them has to import another to raise one."""

from __future__ import annotations


class CaseError(Exception):
    """A request about a case that cannot be carried out; `message` is for people."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
