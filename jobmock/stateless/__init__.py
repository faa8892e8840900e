"""Stateless APIs: any OpenAPI 3.0 or 3.1 document served from the document alone.

documents   a user's document: `$ref`s across files bundled, checked, 3.0 upgraded to 3.1
values      the documented example, else a value generated from the schema (seeded, checked)
answers     which status, media type, body and headers an operation answers
runtime     the `ApiRuntime` of such a document: empty fixture, resolver, error envelope
"""
