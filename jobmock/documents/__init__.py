"""The OpenAPI documents jobmock serves, and the YAML they are written in.

specs        a documented spec plus its Overlay, loaded and ready to serve
yamlsource   YAML that remembers where every value came from (file, line, column)
yamlfast     the same, through libyaml's C parser
pointers     JSON Pointers and local `$ref`s
routes       the served operations as data, and which one a request hit
conformance  does a response match what the spec declares for its status?
"""
