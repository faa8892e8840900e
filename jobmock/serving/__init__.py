"""Serving: the `create_app(config)` factory, one process or several workers, the startup banner.

app      create_app(config): the one factory behind the CLI, the tests and uvicorn
workers  run the app: one process, or several workers sharing one store
banner   what `jobmock serve` prints at startup
"""
