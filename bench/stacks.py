"""Read py-spy's collapsed stacks (`py-spy record --format raw`) and say where the time goes.

Each line is `frame;frame;...;leaf COUNT`, a frame `function (file:line)`. Three views:
- by layer: each sample goes to the deepest frame that belongs to a known layer of the request
  path (uvicorn, each connexion middleware, connexion's app layer, jobmock's handler and engine);
  so a middleware's share is its own work, not that of the layers it calls;
- by package, inclusive: share of samples with any frame of a package (json, jsonschema, werkzeug...);
- by function: self and inclusive shares, line numbers dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


@dataclass(frozen=True)
class Frame:
    func: str
    file: str

    @property
    def label(self) -> str:
        return f"{self.func} ({self.file})"


def frame(text: str) -> Frame:
    match = _FRAME.match(text.strip())
    if not match:
        return Frame(text.strip(), "")
    return Frame(match.group("func"), match.group("file"))


@dataclass
class Profile:
    samples: list[tuple[tuple[Frame, ...], int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.samples)


def parse_collapsed(text: str) -> Profile:
    profile = Profile()
    for line in text.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        profile.samples.append((tuple(frame(f) for f in stack.split(";")), int(count)))
    return profile


# (layer, test on a frame): the deepest matching frame of a sample names its layer.
# Order matters only for frames that match several tests: the first wins.
SKIP = ""  # a frame that names no layer: the sample goes to the next layer up the stack
LAYERS: list[tuple[str, str, str]] = [
    # layer name, file regex, function regex
    # not layers: schema checking is charged to the request or response validation that called it
    (SKIP, r"(^|/)(jsonschema|referencing|rpds|jsonschema_specifications)/", r""),
    (
        SKIP,
        r"jobmock/http/(openapi31|validators)\.py",
        r"^(first_error|ValidatorCache\.(get|compiled|validator))$",
    ),
    (
        "response validation (ResponseValidationMiddleware, JSON response body validator, jsonschema)",
        r"connexion/middleware/response_validation\.py",
        r"",
    ),
    (
        "response validation (ResponseValidationMiddleware, JSON response body validator, jsonschema)",
        r"connexion/validators/",
        r"Response",
    ),
    (
        "response validation (ResponseValidationMiddleware, JSON response body validator, jsonschema)",
        r"jobmock/http/stack\.py",
        r"Response",
    ),
    (
        "response validation (ResponseValidationMiddleware, JSON response body validator, jsonschema)",
        r"jobmock/http/(openapi31|validators)\.py",
        r"(JSONResponse|response_error)",
    ),
    (
        "request validation (RequestValidationMiddleware, jobmock.http.openapi31 validators, jsonschema)",
        r"(connexion/middleware/request_validation\.py|connexion/validators/)",
        r"",
    ),
    (
        "request validation (RequestValidationMiddleware, jobmock.http.openapi31 validators, jsonschema)",
        r"jobmock/http/stack\.py",
        r"Validation",
    ),
    (
        "request validation (RequestValidationMiddleware, jobmock.http.openapi31 validators, jsonschema)",
        r"jobmock/http/(openapi31|validators)\.py",
        r"(Parameters|JSONBody|FormBody|body_error|parameter_error)",
    ),
    (
        "store (jobmock.store*, SQLite calls, record decoding)",
        r"jobmock/store/\w+\.py|sqlite3/",
        r"",
    ),
    (
        "handler + engine (handlers/<api>.py, jobmock engine, lifecycle, clock)",
        r"(^|/)(handlers/)?(matcher|crosmos|gu1|seekr|claret|control)\.py$"
        r"|jobmock/(engine|model|fixtures)/\w+\.py|jobmock/http/binding\.py",
        r"",
    ),
    (
        "security (SecurityMiddleware, jobmock.http.auth)",
        r"(connexion/middleware/security\.py|connexion/security\.py|jobmock/http/auth\.py)",
        r"",
    ),
    ("security (SecurityMiddleware, jobmock.http.auth)", r"jobmock/serving/app\.py", r"api_of"),
    ("security (SecurityMiddleware, jobmock.http.auth)", r"jobmock/http/stack\.py", r"Scope"),
    ("error boundary (jobmock.http.envelopes)", r"jobmock/(http/envelopes|errors)\.py", r""),
    (
        "request journal (jobmock.journal: each exchange noted, entries built and stored once a second)",
        r"jobmock/journal/\w+\.py",
        r"",
    ),
    (
        "connexion app layer (AsyncOperation, parameter + response decorators, jsonifier)",
        r"(connexion/apps/asynchronous\.py|connexion/decorators/|connexion/jsonifier\.py|connexion/uri_parsing\.py"
        r"|jobmock/http/openapi31\.py|jobmock/http/invocation\.py)",
        r"",
    ),
    ("ContextMiddleware", r"connexion/middleware/context\.py", r""),
    ("LifespanMiddleware", r"connexion/middleware/lifespan\.py", r""),
    (
        "RoutingMiddleware (starlette Router over the API's routes)",
        r"(connexion/middleware/routing\.py|jobmock/http/routecache\.py)",
        r"",
    ),
    (
        "SwaggerUIMiddleware (a starlette Router + Mount in front of every request)",
        r"connexion/middleware/swagger_ui\.py",
        r"",
    ),
    (
        "SwaggerUIMiddleware (a starlette Router + Mount in front of every request)",
        r"jobmock/http/stack\.py",
        r"DocsOnlySwaggerUI",
    ),
    (
        "ExceptionMiddleware (connexion + starlette)",
        r"(connexion/middleware/exceptions\.py|starlette/middleware/exceptions\.py|starlette/_exception_handler\.py)",
        r"",
    ),
    ("ServerErrorMiddleware (starlette)", r"starlette/middleware/errors\.py", r""),
    (
        "ConnexionMiddleware entry (connexion/middleware/main.py, apps/abstract.py)",
        r"(connexion/middleware/main\.py|connexion/apps/abstract\.py)",
        r"",
    ),
    ("uvicorn (HTTP parsing, ASGI cycle, socket writes)", r"uvicorn/", r""),
]
_LAYER_TESTS = [(name, re.compile(f), re.compile(fn)) for name, f, fn in LAYERS]
OTHER = "event loop and other (asyncio/uvloop scheduling, outside any layer)"


_FALLBACKS = [
    (re.compile(r"(?:^|/)jobmock/((?:\w+/)*\w+)\.py$"), "jobmock.{} (jobmock's own layer)"),
    (re.compile(r"(?:^|/)starlette/middleware/(\w+)\.py$"), "starlette {} middleware"),
    (re.compile(r"(?:^|/)connexion/middleware/(\w+)\.py$"), "connexion {} middleware"),
]


def layer_of(f: Frame) -> str | None:
    for name, file_re, func_re in _LAYER_TESTS:
        if file_re.search(f.file) and func_re.search(f.func):
            return name
    for file_re, template in _FALLBACKS:
        match = file_re.search(f.file)
        if match:
            return template.format(match.group(1).replace("/", "."))
    return None


def below_loop(stack: tuple[Frame, ...]) -> tuple[Frame, ...]:
    """The frames under the event loop's run call (what the loop runs), or the whole stack."""
    for index in range(len(stack) - 1, -1, -1):
        if stack[index].file.endswith("asyncio/runners.py") or stack[index].file.endswith(
            "asyncio/base_events.py"
        ):
            return stack[index + 1 :]
    return stack


def by_layer(profile: Profile) -> Counter[str]:
    counts: Counter[str] = Counter()
    for stack, n in profile.samples:
        layer = OTHER
        for f in reversed(below_loop(stack)):
            found = layer_of(f)
            if found:  # None (no layer) and SKIP both go on up
                layer = found
                break
        counts[layer] += n
    return counts


def package_of(f: Frame) -> str:
    file = f.file
    if file.startswith("<frozen"):
        return "frozen stdlib"
    if file == "<string>":
        return "<string> (dataclass-generated __init__/__eq__)"
    if re.search(r"(^|/)(matcher|crosmos|gu1|seekr|claret|control)\.py$", file) and "/" not in file:
        return "handlers"
    top = file.split("/", 1)[0] if "/" in file else file.removesuffix(".py")
    return top


def by_package_inclusive(profile: Profile) -> Counter[str]:
    """Samples with a frame of the package under the event loop (startup frames above it excluded)."""
    counts: Counter[str] = Counter()
    for stack, n in profile.samples:
        for package in {package_of(f) for f in below_loop(stack)}:
            counts[package] += n
    return counts


def by_package_self(profile: Profile) -> Counter[str]:
    counts: Counter[str] = Counter()
    for stack, n in profile.samples:
        if stack:
            counts[package_of(stack[-1])] += n
    return counts


def by_function(profile: Profile) -> tuple[Counter[str], Counter[str]]:
    """(self, inclusive) sample counts per function, line numbers dropped."""
    self_counts: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for stack, n in profile.samples:
        if not stack:
            continue
        self_counts[stack[-1].label] += n
        for label in {f.label for f in stack}:
            inclusive[label] += n
    return self_counts, inclusive


def shares(counts: Counter[str], total: int, top: int | None = None) -> list[tuple[str, float]]:
    items: Iterable[tuple[str, int]] = counts.most_common(top)
    return [(name, n / total if total else 0.0) for name, n in items]


def children(profile: Profile, func: str) -> tuple[int, Counter[str]]:
    """Samples under the outermost frame whose function is `func`, and how they split among the
    frames it calls ("(self)" for samples where it is the leaf)."""
    total = 0
    split: Counter[str] = Counter()
    for stack, n in profile.samples:
        for index, f in enumerate(stack):
            if f.func == func:
                total += n
                split[stack[index + 1].label if index + 1 < len(stack) else "(self)"] += n
                break
    return total, split
