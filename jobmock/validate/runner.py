"""`validate_paths(paths, options) -> Report`: read the targets, run every rule, collect findings.

Targets are files or folders (their `*.yaml`); none means everything jobmock serves: every spec
(with its overlay) and the control API's, and every fixture. A file that cannot be read or parsed
raises `SourceError` (the CLI exits 2); everything else is a finding.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path

from jobmock.config import ValidateOptions
from jobmock.documents.pointers import encode_pointer
from jobmock.documents.reader import read
from jobmock.documents.specs import CONTROL_API, discover, overlay_path_for
from jobmock.documents.yamlsource import LoadedYaml
from jobmock.engine import resources
from jobmock.errors import FixtureError, SourceError, SpecError
from jobmock.validate.configuration import Settings, ignored, load_settings
from jobmock.validate.documents import (
    FixtureDocument,
    Kind,
    OverlayDocument,
    SpecDocument,
    classify,
    overlay_document,
    spec_document,
    spec_path_for_overlay,
)
from jobmock.validate.findings import Finding, Problem, Report, Severity
from jobmock.validate.rules import RULES, Rule

YAML_SUFFIXES = (".yaml", ".yml")


def default_targets(options: ValidateOptions) -> list[Path]:
    specs = options.specs_dir or resources.specs_dir()
    fixtures = options.fixtures_dir or resources.fixtures_dir()
    targets = discover(specs) if specs.is_dir() else []
    if (specs / f"{CONTROL_API}.yaml").exists():
        targets.append(specs / f"{CONTROL_API}.yaml")
    if fixtures.is_dir():
        targets += sorted(fixtures.glob("*.yaml"))
    return targets


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as their YAML files (not recursive), each once."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())
        elif path.exists():
            out.append(path)
        else:
            raise SourceError(path, "no such file or directory")
    return list(dict.fromkeys(out))


class _Loader:
    """Reads each file once; builds specs with their overlays and fixtures with their spec."""

    def __init__(self, options: ValidateOptions) -> None:
        self.options = options
        self.files: dict[Path, LoadedYaml] = {}
        self.specs: dict[Path, SpecDocument] = {}

    def load(self, path: Path) -> LoadedYaml:
        key = path.resolve()
        if key not in self.files:
            self.files[key] = read(path, SourceError)
        return self.files[key]

    def kind(self, path: Path) -> Kind:
        kind = classify(path, self.load(path).data)
        if kind is None:
            problem = "not an OpenAPI document, an OpenAPI Overlay or a jobmock fixture"
            raise SourceError(path, problem, 1, 1)
        return kind

    def spec(self, path: Path) -> SpecDocument:
        key = path.resolve()
        if key not in self.specs:
            loaded = self.load(path)
            overlay_file = overlay_path_for(path)
            overlay = overlay_document(self.load(overlay_file)) if overlay_file.exists() else None
            self.specs[key] = spec_document(loaded, overlay)
        return self.specs[key]

    @staticmethod
    def _find(
        fixture: Path, folder: str, own: Path | None, bundled: Path, name: str
    ) -> Path | None:
        """`name` in the folder given, else in the fixture's sibling folder, else bundled."""
        for directory in (own, fixture.parent.parent / folder, bundled):
            if directory is not None and (directory / name).exists():
                return directory / name
        return None

    def fixture(self, path: Path) -> FixtureDocument:
        from jobmock.fixtures.loading import load_fixture

        loaded = self.load(path)
        doc = FixtureDocument(path, loaded.data, loaded.source)
        try:
            doc.fixture = load_fixture(path)
        except FixtureError as exc:
            doc.error = exc
        if doc.api is None:
            return doc
        if self.project(path, doc):
            return doc
        options, api = self.options, doc.api
        specs = resources.specs_dir()
        spec_path = self._find(path, "specs", options.specs_dir, specs, f"{api}.yaml")
        if spec_path is not None:
            try:
                doc.spec = self.spec(spec_path)
            except SpecError as exc:
                doc.spec_error = exc
        if options.render:
            handlers = resources.handlers_dir()
            doc.handlers = self._find(path, "handlers", options.handlers_dir, handlers, f"{api}.py")
        return doc

    def project(self, path: Path, doc: FixtureDocument) -> bool:
        """A project folder's fixture (`jobmock.polling.project`): checked with its document and
        binding as `jobmock serve FOLDER` checks it (its error is `fixture-invalid`'s)."""
        from jobmock.polling.project import FIXTURE_FILE, load_project, project_document
        from jobmock.stateless.documents import api_name, load_document

        document = project_document(path) if path.name == FIXTURE_FILE else None
        if document is None or not document.is_file():
            return False
        try:
            doc.spec = self.spec(document)
        except SpecError as exc:
            doc.spec_error = exc
            return True
        if doc.error is None:
            name = api_name(document.resolve())
            try:
                load_project(path, load_document(document, name), name)
            except (FixtureError, SpecError) as exc:
                doc.error = exc if isinstance(exc, FixtureError) else None
                doc.spec_error = exc if isinstance(exc, SpecError) else None
        return True


Document = SpecDocument | OverlayDocument | FixtureDocument


def _checked(loader: _Loader, files: Sequence[Path]) -> list[Document]:
    """The documents to run rules on, each once, in the order given."""
    docs: dict[tuple[Kind, Path], Document] = {}
    for path in files:
        kind = loader.kind(path)
        if kind is Kind.OVERLAY:
            spec_path = spec_path_for_overlay(path)
            if spec_path.exists():
                spec = loader.spec(spec_path)
                docs.setdefault((Kind.OPENAPI, spec.path.resolve()), spec)
                if spec.overlay is not None:
                    docs.setdefault((Kind.OVERLAY, path.resolve()), spec.overlay)
            else:
                docs.setdefault((Kind.OVERLAY, path.resolve()), overlay_document(loader.load(path)))
        elif kind is Kind.OPENAPI:
            spec = loader.spec(path)
            docs.setdefault((Kind.OPENAPI, path.resolve()), spec)
            if spec.overlay is not None:
                docs.setdefault((Kind.OVERLAY, spec.overlay.path.resolve()), spec.overlay)
        else:
            docs.setdefault((Kind.FIXTURE, path.resolve()), loader.fixture(path))
    return list(docs.values())


def _kind_of(doc: Document) -> Kind:
    if isinstance(doc, SpecDocument):
        return Kind.OPENAPI
    return Kind.OVERLAY if isinstance(doc, OverlayDocument) else Kind.FIXTURE


def display_path(path: Path) -> Path:
    """`path` relative to the working directory when it is under it (annotations want that)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _run(rule: Rule, doc: Document, settings: Settings) -> list[Finding]:
    findings = []
    data = doc.document if isinstance(doc, SpecDocument) else doc.data
    try:
        problems: list[Problem] = list(rule.check(doc))
    except Exception as exc:  # a rule's bug must not hide the other findings
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        problems = [
            Problem(
                f"internal error in rule {rule.id} ({type(exc).__name__}: {exc} at "
                f"{Path(frame.filename).name}:{frame.lineno}); please report it",
                severity=Severity.ERROR,
            )
        ]
    for problem in problems:
        position = problem.position or doc.locate(problem.pointer, problem.key)
        severity = problem.severity or settings.level(rule, position.file)
        if severity is None or ignored(data, problem.pointer, rule.id):
            continue
        findings.append(
            Finding(
                rule=rule.id,
                severity=severity,
                message=problem.message,
                file=display_path(position.file),
                line=position.line,
                column=position.column,
                pointer=encode_pointer(problem.pointer),
            )
        )
    return findings


def validate_paths(paths: Sequence[Path] = (), options: ValidateOptions | None = None) -> Report:
    """Check `paths` (default: everything jobmock serves) and report every finding."""
    options = options or ValidateOptions()
    settings = load_settings(options.config, options.ruleset)
    files = expand(paths) if paths else default_targets(options)
    loader = _Loader(options)
    report = Report()
    docs = _checked(loader, files)
    seen: set[tuple[str, Path, int | None, int | None, str]] = set()
    for doc in docs:
        kind = _kind_of(doc)
        for rule in RULES.values():
            if rule.kind is not kind or not settings.runs(rule):
                continue
            for finding in _run(rule, doc, settings):
                key = (finding.rule, finding.file, finding.line, finding.column, finding.message)
                if key not in seen:
                    seen.add(key)
                    report.findings.append(finding)
    every = [*loader.files, *(f for spec in loader.specs.values() for f in spec.files)]
    report.files = [display_path(Path(p)) for p in dict.fromkeys(every)]
    report.sort()
    return report
