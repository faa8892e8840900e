"""Claret's errors: Laravel's answers, each rendered once by :data:`ENVELOPE` (handlers/claret.py
raises them).

Facts (seed 004, apis.md §5): an unknown or inaccessible job is a 422 with the documented body.
Inferred, from Laravel's own handler and validator (the framework Claret runs on): validation
failures are 422 `{message, errors}` in the validator's wording (`The payload.0.item name field is
required.`); 401 is `{"message": "Unauthenticated."}` and other errors Laravel's `{"message"}`; a
request that does not ask for JSON is redirected instead (handlers/claret_login.py); an unknown
route is the router's 404 wording, a wrong method its 405; server errors say only `Server Error`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from jobmock.errors import (
    ApiError,
    InvalidBody,
    InvalidParameter,
    MethodNotAllowed,
    NotFound,
    Unauthorized,
    Unprocessable,
    UnsupportedMediaType,
)
from jobmock.http.envelopes import ErrorReply

from .claret_login import back_redirect, expects_json, login_redirect

# connexion costs most of a second to import: `jobmock validate` renders bodies without it
if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

NOT_FOUND_MESSAGE = "Job not found or you do not have access to this job."
NOT_FOUND_BODY = {"message": NOT_FOUND_MESSAGE, "error": {"error": "Job log ID does not exist"}}
REQUIRED_FIELD = "The %s field is required."
# The status route with a job_log_id connexion's integer path converter refused (so: unrouted, 404).
STATUS_ROUTE = re.compile(r"^/claret/[^/]+/api/v1/imports/status/[^/]+$")
IMPORT_ROUTE = re.compile(r"^/claret/[^/]+/api/v1/inventory/import/process$")
UNAUTHORIZED_ACTION = "This action is unauthorized."  # Laravel's 403, for another tenant's path


def displayable(field: str) -> str:
    """How Laravel names a field in its messages (`payload.0.item_name` -> `payload.0.item name`)."""
    return field.replace("_", " ")


def invalid(field: str, message: str) -> Unprocessable:
    """A Laravel validation failure of one field (422 `{message, errors}`)."""
    return Unprocessable(message, slug="validation_failed", details={"errors": {field: [message]}})


def validation_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    """Laravel's 422: the first message, `(and N more errors)`, and every message by field."""
    messages = [m for found in errors.values() for m in found]
    more = len(messages) - 1
    suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
    return {"message": messages[0] + suffix, "errors": errors}


# A JSON Schema failure -> Laravel's message for the rule Claret would use there, keyed by the
# keyword, or by (keyword, expected) where the message depends on what was expected.
LARAVEL_MESSAGES: dict[str | tuple[str, str], str] = {
    "required": REQUIRED_FIELD % "{field}",
    "minItems": REQUIRED_FIELD % "{field}",  # Laravel's `required` refuses empty arrays
    "maxItems": "The {field} field must not have more than {expected} items.",
    "exclusiveMinimum": "The {field} field must be greater than {expected}.",
    "enum": "The selected {field} is invalid.",
    ("format", "date"): "The {field} field must match the format Y-m-d.",
    ("type", "boolean"): "The {field} field must be true or false.",
    ("type", "string"): "The {field} field must be a string.",
    ("type", "number"): "The {field} field must be a number.",
    ("type", "integer"): "The {field} field must be an integer.",
    ("type", "array"): "The {field} field must be an array.",
    ("type", "object"): "The {field} field must be an array.",  # PHP arrays are maps too
}
INVALID = "The {field} field is invalid."  # any other rule
IMPORT_FIELDS = ("source", "arguments", "payload")


def body_errors(error: InvalidBody) -> dict[str, list[str]]:
    """A JSON body's schema failure as Laravel's validator words it (inferred: Claret's rules)."""
    path = [str(p) for p in error.path]
    if error.keyword == "json" or (
        error.keyword == "required" and not path and error.value is None
    ):
        return {f: [REQUIRED_FIELD % f] for f in IMPORT_FIELDS}  # no usable body
    if error.keyword == "required" and isinstance(error.value, dict):  # every missing field
        fields = [".".join([*path, f]) for f in error.expected or () if f not in error.value]
        return {f: [REQUIRED_FIELD % displayable(f)] for f in fields}
    field, expected = ".".join(path) or "payload", error.expected
    key: str | tuple[str, str] = error.keyword
    if isinstance(expected, str) and (error.keyword, expected) in LARAVEL_MESSAGES:
        key = (error.keyword, expected)
    template = LARAVEL_MESSAGES.get(key, INVALID)
    return {field: [template.format(field=displayable(field), expected=expected)]}


class ClaretEnvelope:
    """Claret's documented 422 for missing jobs; Laravel's `{"message"}` shapes for the rest."""

    @staticmethod
    def validation_errors(error: ApiError) -> dict[str, list[str]] | None:
        """The messages by field of a Laravel validation failure; None for any other error."""
        if isinstance(error, InvalidBody):
            return body_errors(error)
        if isinstance(error, UnsupportedMediaType):  # neither JSON nor a form: nothing to read
            return {f: [REQUIRED_FIELD % f] for f in IMPORT_FIELDS}
        if isinstance(error, Unprocessable) and "errors" in error.details:
            errors: dict[str, list[str]] = error.details["errors"]
            return errors
        if isinstance(error, InvalidParameter) and error.name in ("email", "password"):
            return {error.name: [REQUIRED_FIELD % error.name]}
        return None

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        errors = self.validation_errors(error)
        if errors is not None:  # Laravel redirects back a request that did not ask for JSON
            if expects_json(request):
                return ErrorReply(422, validation_body(errors))
            return back_redirect(request)
        raw_path = request.scope.get("raw_path", b"").decode("latin-1")
        if isinstance(error, InvalidParameter | Unprocessable) or (
            isinstance(error, NotFound) and STATUS_ROUTE.match(raw_path)
        ):  # a tenant segment the router cannot place (e.g. an encoded "/") is still "not found"
            return ErrorReply(422, NOT_FOUND_BODY)
        if isinstance(error, NotFound) and IMPORT_ROUTE.match(raw_path):
            # the router cannot place the tenant (an encoded newline): not the token's tenant
            return ErrorReply(403, {"message": UNAUTHORIZED_ACTION})
        if isinstance(error, Unauthorized) and error.slug == "invalid_credentials":
            return ErrorReply(401, {"message": error.message})  # the login route's own answer
        if isinstance(error, Unauthorized):  # Laravel redirects a guest that did not ask for JSON
            if expects_json(request):
                return ErrorReply(401, {"message": "Unauthenticated."})
            return login_redirect(request)
        route = request.url.path.removeprefix("/claret").lstrip("/")
        if isinstance(error, NotFound):  # Laravel's router wording for an unknown route
            return ErrorReply(404, {"message": f"The route {route} could not be found."})
        if isinstance(error, MethodNotAllowed):
            supported = f"The {request.method} method is not supported for route {route}."
            methods = "GET, HEAD" if STATUS_ROUTE.match(request.url.path) else "POST"
            return ErrorReply(405, {"message": f"{supported} Supported methods: {methods}."})
        if error.status >= 500:  # Laravel hides server errors outside debug mode
            return ErrorReply(error.status, {"message": "Server Error"})
        return ErrorReply(error.status, {"message": error.message}, headers=error.headers or None)


ENVELOPE = ClaretEnvelope()


def job_not_found() -> Unprocessable:
    return Unprocessable(NOT_FOUND_MESSAGE, slug="job_not_found")
