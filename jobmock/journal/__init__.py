"""The request journal: what each client sent and what the mock answered, kept in the store.

capture     `RecordingServerErrors` (the outermost layer: copies each request and answer as they
            stream, the body of a request refused before reading it included)
recorder    `Journal` (entries batched per worker, written to the store, read back filtered)
masking     credentials masked by name (the API's security schemes, common names), bodies cut
problems    why a refused request was refused, in plain words with a pointer
operations  the served operations: which one a request was for, what it documents, and the
            near misses of a request no operation matched
"""

LOGS = ("requests",)
"""What `jobmock serve --log` can print: `requests`, one line per request."""
