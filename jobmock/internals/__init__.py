"""Every private name of a third-party library that jobmock relies on, one module per library.

    connexion     the request context, connexion's argument rules, and the hooks jobmock overrides
                  (validators' parse/validate, the parameter decorator, the spec check)
    schemathesis  sending a check's extra request, and a failure's de-duplication key
    openapi_spec_validator  its Schema Object check: the records it keeps, its meta-check hook
    uvicorn       the HTTP protocol's request cycle (`OneWriteCycle`: an answer in one socket write)

Nothing outside this package names a private attribute, function or module of connexion,
starlette, werkzeug, schemathesis, PyYAML or openapi-spec-validator, nor uvicorn's undocumented
request cycle: each is reached through a named function, alias or base class here, with a comment
saying why the public API does not do.
`tests/internals/test_private_names.py` lists them all, fails naming the one an upgrade removed or
changed, and fails when one is named elsewhere. The modules are imported on use, not from here:
`jobmock validate` needs neither library.
"""
