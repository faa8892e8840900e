"""`jobmock validate`: check OpenAPI documents, their overlays and jobmock's fixtures.

    validate_paths(paths, options) -> Report     the library: read, run every rule, collect findings
    run(options) -> Report                       the command: validate, write the report

Rules live in `jobmock.validate.rules` (registry `RULES`, keyed by stable rule id); output formats
in `jobmock.validate.formats` (registry `FORMATS`). A file that cannot be read or parsed raises
`jobmock.errors.SourceError` (exit 2); findings exit 1 when any is an error (or, with `strict`, a
warning), else 0.
"""

from __future__ import annotations

import sys

from jobmock.config import ValidateOptions
from jobmock.validate.findings import Finding, Report, Severity
from jobmock.validate.runner import validate_paths

__all__ = ["Finding", "Report", "Severity", "ValidateOptions", "run", "validate_paths"]


def run(options: ValidateOptions) -> Report:
    """Validate `options.paths`, write the report in `options.output_format`; the report (its
    `exit_code(strict=options.strict)` is the command's)."""
    from jobmock.validate.formats import FORMATS

    formatter = FORMATS[options.output_format]
    report = validate_paths(options.paths, options)
    rendered = formatter(report)
    if options.output is not None:
        options.output.write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    return report
