"""jobmock: an OpenAPI-first contract and mock server for asynchronous import-job status APIs."""

import warnings

# connexion imports starlette.testclient at import time, which warns about httpx on every CLI run
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

__version__ = "0.1.0"
