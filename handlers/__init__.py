"""The bundled APIs' handler modules, one per API (`jobmock.engine.handlers` says what each provides).

jobmock imports this folder as the package `jobmock_handlers` (from a checkout or from the wheel),
so a module may import its siblings relatively, as gu1 does.
"""
