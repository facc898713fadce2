"""Errors raised by services. Views never catch them one by one: the app turns them into a clear
Vietnamese message (HTTP 409 for a move the rules forbid), and the request's transaction is rolled
back so nothing is half-written."""


class DomainError(Exception):
    """An action the rules refuse in the current state (illegal transition, stale copy...)."""

    status = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleError(DomainError):
    """Someone else changed the object since this copy was read."""


class PermissionDenied(DomainError):
    status = 403


class ValidationFailed(DomainError):
    """Field errors for a form: {field: Vietnamese message}. Shown beside the fields."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors
