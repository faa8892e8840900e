"""gu1's error body, `{success: false, error}`, for every route (handlers/gu1.py and
handlers/gu1_uploads.py raise, jobmock.http.envelopes renders with :data:`ENVELOPE`).

Invented (apis.md [INF]): the body itself (specs/gu1.yaml infers it for 401, 403 and 404) and
every message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobmock.errors import ApiError, UnsupportedMediaType
from jobmock.http.envelopes import ErrorReply

# connexion costs most of a second to import: `jobmock validate` renders bodies without it
if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

# The messages of specs/gu1.yaml's (inferred) error examples.
MESSAGES = {401: "Unauthorized", 403: "Forbidden", 404: "Job not found"}
NO_FILE = "No file uploaded"


class Gu1Envelope:
    """`{success: false, error}`: the body specs/gu1.yaml infers for 401, 403 and 404."""

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        status = error.status
        message = MESSAGES[401] if status == 401 else error.message
        if isinstance(error, UnsupportedMediaType):  # an upload that is not multipart: no file
            status, message = 400, NO_FILE
        message = message[:1].upper() + message[1:]
        return ErrorReply(
            status, {"success": False, "error": message}, headers=error.headers or None
        )


ENVELOPE = Gu1Envelope()
