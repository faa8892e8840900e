"""Where the bundled JSON Schemas and the OpenAPI specification disagree, the specification wins."""

from __future__ import annotations

from jobmock.validate import ValidateOptions, validate_paths
from tests.validate.expectations import CORPUS

LINKS = CORPUS / "specs" / "link-server.yaml"


def test_link_server_is_a_field_and_body_is_not() -> None:
    """OpenAPI 3.1.0, 4.8.20.1 Link Object, Fixed Fields: "server | Server Object | A server
    object to be used by the target operation." There is no `body` field."""
    [finding] = validate_paths([LINKS], ValidateOptions()).findings
    assert (finding.rule, finding.line, finding.pointer) == (
        "oas-structure",
        25,
        "/paths/~1jobs/post/responses/202/links/broken/body",
    )
    assert finding.message == (
        "not valid OpenAPI 3.1: Unevaluated properties are not allowed ('body' was unexpected); "
        "remove or rename 'body' (extensions must start with `x-`)"
    )
