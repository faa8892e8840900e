"""Everything that touches connexion: the OpenAPI 3.1 app, its validators and middleware stack,
how operations call the handlers, who is calling, and how errors are rendered.

    openapi31         connexion taught to serve OpenAPI 3.1 documents as written
    validators        request and response validators (JSON Schema 2020-12), built once
    request_problems  every problem of a request, as FastAPI's 422 lists them
    invocation        how an operation calls its handler and turns the result into a response
    binding           operationIds resolved to handler functions bound to their API
    stack             connexion's middleware layers, chosen and ordered in one place
    auth              credentials from the fixtures, checked by connexion's security
    envelopes         each API's error envelope, and the one boundary that renders them
    jsondepth         how deep JSON nests, measured without recursion (bodies, files, fields)
"""
