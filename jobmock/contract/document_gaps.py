"""The document's gaps: answers a checker reports that no server could avoid while keeping to the
document, so `jobmock contract` lists them apart (`Document gaps (N)`) and does not fail on them.

- a refusal (401/403, 400/422, 404) where the operation declares no status of that kind (Twilio's
  operations declare only 2xx, though they require credentials; `jobmock.stateless.refusals`);
- a valid request refused (`positive_data_acceptance`) where the operation declares no 2xx or 3xx
  (nor `default`): its only documented answers are errors;
- an invalid value of a header parameter named Accept, Content-Type or Authorization accepted
  (`negative_data_rejection`): OpenAPI says such a parameter "SHALL be ignored";
- a server error (`not_a_server_error`) where the operation declares only 5xx answers, or 1xx
  (interim: never a final answer, so jobmock answers 501).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from jobmock.http.openapi31 import IGNORED_HEADERS

# Refusals of one meaning: a document that declares none of a family gives no status for it.
REFUSAL_FAMILIES = ({401, 403}, {400, 422}, {404})


def document_gap(status: int, declared: Iterable[str]) -> bool:
    """An undocumented refusal the operation declares no status of its kind for: the document's
    gap, which no server can answer within; a 4xx of a family it does declare (422 where it
    declares 400) stays a failure."""
    family = next((f for f in REFUSAL_FAMILIES if status in f), None)
    if family is None or any(str(c).upper() == "4XX" for c in declared):
        return False  # only these refusals: a 418 or a 5xx is the server's, whatever is declared
    return not {int(c) for c in declared if str(c).isdigit()} & family


def declared_responses(document: Mapping[str, Any] | None, operation: str) -> list[str]:
    """The response keys (upper case) `operation` ("GET /path") declares in `document`."""
    method, _, path = operation.partition(" ")
    item = ((document or {}).get("paths") or {}).get(path)
    spec = item.get(method.lower()) if isinstance(item, Mapping) else None
    responses = spec.get("responses") if isinstance(spec, Mapping) else None
    return [str(key).upper() for key in responses] if isinstance(responses, Mapping) else []


# a header parameter OpenAPI says to ignore (jobmock.http.openapi31.IGNORED_HEADERS): a checker
# that sends an invalid value there and expects a refusal reads it anyway
IGNORED_HEADER = re.compile(
    rf"parameter `({'|'.join(map(re.escape, sorted(IGNORED_HEADERS)))})` in header", re.I
)


def gap_of(
    check: str,
    status: int | None,
    defined: Iterable[str],
    document: Mapping[str, Any] | None,
    operation: str,
    message: str = "",
) -> str | None:
    """Why a failure of `check` is the document's gap (the line `Document gaps` shows), or None:
    it is the server's failure."""
    if check == "negative_data_rejection" and (ignored := IGNORED_HEADER.search(message)):
        return f"declares header parameter {ignored.group(1)}, which OpenAPI says to ignore"
    keys = declared_responses(document, operation)
    listed = ", ".join(keys)
    interim_only = bool(keys) and all(key[0] == "1" for key in keys)
    if check == "status_code_conformance":
        if interim_only:
            return f"declares no final answer (only {listed}, interim)"
        return f"{status} undocumented" if status and document_gap(status, defined) else None
    if not keys or "DEFAULT" in keys:
        return None
    if check == "positive_data_acceptance" and not any(key[0] in "23" for key in keys):
        return f"declares no success response (only {listed}): a valid request gets one of those"
    if check == "not_a_server_error" and all(key[0] in "15" for key in keys):
        return f"declares no final answer but server errors ({listed})"
    return None
