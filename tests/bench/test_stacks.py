"""The benchmark's py-spy collapsed-stack reader (bench/stacks.py): frames, layers, shares."""

from __future__ import annotations

import pytest

from bench.stacks import (
    OTHER,
    Frame,
    by_function,
    by_layer,
    by_package_inclusive,
    frame,
    parse_collapsed,
)

ROOT = "_run_module_as_main (<frozen runpy>:198);run (uvicorn/main.py:632);Runner.run (asyncio/runners.py:118)"
ASGI = (
    "RequestResponseCycle.run_asgi (uvicorn/protocols/http/httptools_impl.py:422);"
    "SwaggerUIMiddleware.__call__ (connexion/middleware/swagger_ui.py:223);"
    "Router.__call__ (starlette/routing.py:683);"
    "SecurityOperation.__call__ (connexion/middleware/security.py:111)"
)
RAW = f"""\
{ROOT};{ASGI};verify (jobmock/http/auth.py:103);bearer_token (jobmock/http/auth.py:60) 3
{ROOT};{ASGI};RequestValidationOperation.__call__ (connexion/middleware/request_validation.py:142);\
make_validator_map.<locals>.Parameters.validate_request (jobmock/http/openapi31.py:113);\
type (jsonschema/_keywords.py:285) 2
{ROOT};{ASGI};get_ingestion_job (matcher.py:118);rfc3339 (jobmock/model/timestamps.py:11) 4
{ROOT};{ASGI};get_ingestion_job (matcher.py:118);get (jobmock/store/sqlite.py:90) 1
{ROOT};SwaggerUIMiddleware.__call__ (connexion/middleware/swagger_ui.py:223);Mount.matches (starlette/routing.py:400) 2
{ROOT};{ASGI};ResponseValidationMiddleware.__call__ (connexion/middleware/response_validation.py:90);\
JSONResponseBodyValidator.send (connexion/validators/json.py:150);\
make_validator_map.<locals>.JSONResponse._validate (jobmock/http/openapi31.py:170);\
first_error (jobmock/http/openapi31.py:65);\
iter_errors (jsonschema/validators.py:350) 2
{ROOT} 1
this line is not a sample
"""


def test_frames_are_split_into_function_and_file() -> None:
    assert frame("Runner.run (asyncio/runners.py:118)") == Frame("Runner.run", "asyncio/runners.py")
    assert frame("_run_code (<frozen runpy>:88)") == Frame("_run_code", "<frozen runpy>")
    assert frame("wrapper (jobmock/http/openapi31.py)") == Frame(
        "wrapper", "jobmock/http/openapi31.py"
    )


def test_samples_are_counted() -> None:
    profile = parse_collapsed(RAW)
    assert profile.total == 15
    assert len(profile.samples) == 7


def test_each_sample_goes_to_its_deepest_layer() -> None:
    layers = by_layer(parse_collapsed(RAW))
    named = {name.split(" (")[0]: n for name, n in layers.items()}
    assert named["security"] == 3
    assert named["request validation"] == 2
    assert (
        named["response validation"] == 2
    )  # jsonschema is charged to the validation that called it
    assert named["handler + engine"] == 4
    assert named["store"] == 1
    assert named["SwaggerUIMiddleware"] == 2  # starlette routing under it is its own work
    assert layers[OTHER] == 1
    assert sum(layers.values()) == 15


def test_function_shares_merge_lines() -> None:
    self_counts, inclusive = by_function(parse_collapsed(RAW))
    assert self_counts["rfc3339 (jobmock/model/timestamps.py)"] == 4
    assert inclusive["get_ingestion_job (matcher.py)"] == 5
    assert inclusive["Runner.run (asyncio/runners.py)"] == 15


def test_package_shares_leave_out_the_frames_above_the_event_loop() -> None:
    packages = by_package_inclusive(parse_collapsed(RAW))
    assert packages["handlers"] == 5
    assert packages["jsonschema"] == 4
    assert packages["jobmock"] == 12
    assert "frozen stdlib" not in packages
    assert packages["uvicorn"] == pytest.approx(12)


def test_children_split_a_function_by_what_it_calls() -> None:
    from bench.stacks import children

    total, split = children(parse_collapsed(RAW), "get_ingestion_job")
    assert total == 5
    assert split == {"rfc3339 (jobmock/model/timestamps.py)": 4, "get (jobmock/store/sqlite.py)": 1}
    total, split = children(parse_collapsed(RAW), "Runner.run")
    assert split["(self)"] == 1
