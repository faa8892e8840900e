"""A multipart body sent to an operation answered from its document alone, checked by its schema.

The vendors' operations stream their uploads (`jobmock.uploads`) and word their own refusals, so
connexion's validation leaves multipart bodies unread. An operation answered from its document has
no handler to check one: here the body is read (bounded, file parts spooled and dropped), each part
becomes the value of its property by its media type and its Encoding Object (`stateless.parts`:
a file a string, JSON decoded, text read by the property's type; a part sent twice, or a property
of type array, a list) and the whole is checked against the schema. A body that is not
multipart/form-data (a part without its `Content-Disposition`: Swagger's petstore's
`POST /pet/{petId}/uploadImage` sent `521851`) is refused like any invalid body.

A required body that is not sent at all is refused here too when connexion has no validator to
notice it: a media type without a schema, the first of which it takes a request without a
`Content-Type` to be (OpenAPI 3.0.3, Request Body Object, `required`: "Determines if the request
body is required in the request").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator

from jobmock.documents.pointers import Node, deref
from jobmock.errors import InvalidBody, error_for_status
from jobmock.http.request_problems import body_problems
from jobmock.http.validators import ValidatorCache, declares_body
from jobmock.stateless.parts import BodyReader, Part
from jobmock.stateless.views import standalone
from jobmock.uploads.forms import (
    BodyTooLarge,
    MalformedBody,
    current_request,
    is_multipart,
    read_form,
)

MULTIPART = "multipart/form-data"
MAX_BYTES = 64 * 2**20  # a development server's bound; files past 1 MB are spooled to disk
MAX_PARTS = 1000


class MultipartCheck:
    """The multipart schema of one operation, checked against the body of each request."""

    def __init__(self, document: Mapping[str, Any], operation: Mapping[str, Any]) -> None:
        body = deref(document, Node((), operation.get("requestBody"))).value
        self.required = isinstance(body, Mapping) and body.get("required") is True
        content = body.get("content") if isinstance(body, Mapping) else None
        holder = content.get(MULTIPART) if isinstance(content, Mapping) else None
        holder = deref(document, Node((), holder)).value
        schema = holder.get("schema") if isinstance(holder, Mapping) else None
        self.schema = standalone(schema, document) if isinstance(schema, Mapping) else None
        encodings = holder.get("encoding") if isinstance(holder, Mapping) else None
        self.reader = BodyReader(self.schema, encodings) if self.schema is not None else None
        self.cache = ValidatorCache()

    async def check(self) -> None:
        """Raise the body's problems (InvalidBody), or its size (413); nothing for a valid one."""
        request = current_request()
        if self.required and not declares_body(request.scope):
            raise InvalidBody("request body is required", keyword="required")
        if self.schema is None or self.reader is None or not is_multipart(request):
            return
        try:
            async with read_form(
                MAX_BYTES, max_files=MAX_PARTS, max_fields=MAX_PARTS, typed_parts=True
            ) as form:
                sent = {name: [Part(None)] * len(files) for name, files in form.files.items()}
                for name, texts in form.fields.items():
                    types = form.field_types.get(name) or [""] * len(texts)
                    sent.setdefault(name, []).extend(map(Part, texts, types))
        except BodyTooLarge as exc:
            raise error_for_status(413, str(exc)) from None
        except MalformedBody as exc:
            message = f"request body is not valid multipart/form-data: {exc}"
            raise InvalidBody(message, keyword="multipart") from None
        instance = self.reader.value(sent)
        view = self.cache.request_view(self.schema)
        validator: Draft202012Validator = self.cache.get(view)
        errors = list(validator.iter_errors(instance))
        if errors:
            raise body_problems(view, errors)
