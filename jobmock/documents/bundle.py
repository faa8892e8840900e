"""One document from a document split across files: every external `$ref` target brought into the
root, and where each node came from kept (`jobmock serve DOC`, `jobmock validate`, `jobmock init`).

What other files' `$ref`s point at is copied into the root document: a `#/components/<kind>/<name>`
target keeps its kind and name; any other target (an operation, a path item, a whole file) is
inlined in place of its `$ref`, one that contains itself named in `components/schemas`.

`Bundler.source` locates a node of the bundled document in the file it was written in: each
copied or inlined object is remembered (by identity) with its file and pointer there, and a pointer
into the bundled document is walked down to the deepest such object (`BundledSource.where`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jobmock.documents.pointers import (
    Pointer,
    decode_pointer,
    encode_pointer,
    lookup,
    typed_pointer,
)
from jobmock.documents.reader import read
from jobmock.documents.yamlfast import KeyedSourceMap
from jobmock.documents.yamlsource import LoadedYaml, SourceMap
from jobmock.errors import SourceError, SpecError

VALUE = "$jobmock-value"  # a ref's target that is no object, until its parent holds it instead


def refs(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(path, the object holding it) for every `$ref` under `node`."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield path, node
        for key, value in node.items():
            yield from refs(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from refs(value, (*path, index))


DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


def is_reference(value: Any) -> bool:
    """Whether a discriminator's mapping value is a reference rather than a schema name (OpenAPI
    3.0.3: "mappings between payload values and schema names or references"): a name is a
    component's key, which has no `#` or `/`, and a file name ends like one."""
    if not isinstance(value, str):
        return False
    return "#" in value or "/" in value or value.lower().endswith(DOCUMENT_SUFFIXES)


def links(
    node: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any], str]]:
    """(path, the object holding it, its key) for every reference under `node`: each `$ref`
    (key `$ref`), and each discriminator mapping value that is a reference (key: the value's)."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield path, node, "$ref"
        for key, value in node.items():
            if key == "discriminator" and isinstance(value, dict):
                found = value.get("mapping")
                names: dict[str, Any] = found if isinstance(found, dict) else {}
                for name, target in names.items():
                    if is_reference(target):
                        yield (*path, key, "mapping"), names, name
            yield from links(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from links(value, (*path, index))


# id(object) -> (the object, kept so its id is not reused; its file's source; its pointer there)
Origins = dict[int, tuple[Any, SourceMap, Pointer]]


class BundledSource(SourceMap):
    """The positions of a bundled document: a node copied from another file is located in that
    file (`where`), every other node in the root's. `file` is the root's."""

    def __init__(self, root: SourceMap, document: Any, origins: Origins) -> None:
        self.file = root.file
        self.root = root
        self.document = document
        self.origins = origins

    @property  # type: ignore[override]
    def positions(self) -> dict[Pointer, tuple[int, int]]:
        return self.root.positions

    @positions.setter
    def positions(self, value: dict[Pointer, tuple[int, int]]) -> None:
        self.root.positions = value

    def where(self, pointer: Pointer) -> tuple[SourceMap, Pointer]:
        """The file's source and the pointer in that file where the node at `pointer` of the
        bundled document is written (its closest ancestor's, past the end of what exists)."""
        base: Pointer = ()
        source, depth = self.root, 0
        value = self.document
        for index, part in enumerate(pointer):
            if isinstance(value, dict) and str(part) in value:
                value = value[str(part)]
            elif isinstance(value, list) and str(part).isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                break
            found = self.origins.get(id(value))
            if found is not None and found[0] is value:
                source, base, depth = found[1], found[2], index + 1
        return source, (*base, *pointer[depth:])

    def locate(self, path: Pointer) -> tuple[int | None, int | None]:
        source, inner = self.where(tuple(path))
        return source.locate(inner)

    def locate_key(self, path: Pointer) -> tuple[int | None, int | None]:
        source, inner = self.where(tuple(path))
        if inner and isinstance(source, KeyedSourceMap):
            return source.locate_key(inner)
        return source.locate(inner)

    def error(
        self, path: Pointer, message: str, cls: type[SourceError] = SourceError
    ) -> SourceError:
        source, inner = self.where(tuple(path))
        return source.error(inner, message, cls)


class Bundler:
    """Brings every external `$ref` target into the root document (its `components`).

    `strict` (serving): a `$ref` to a missing file or to nothing raises SpecError at it. Otherwise
    (`jobmock validate`, which reports every one) it is left as written and noted in `unresolved`.
    """

    def __init__(self, root: LoadedYaml, path: Path, *, strict: bool = True) -> None:
        self.root = root
        self.strict = strict
        self.found = list(refs(root.data))
        # only local refs: nothing is rewritten, and the document read is used as it is
        self.local = all(holder["$ref"].startswith("#") for _, holder in self.found)
        self.document: dict[str, Any] = root.data if self.local else copy.deepcopy(root.data)
        self.files: dict[Path, LoadedYaml] = {path.resolve(): root}
        self.placed: dict[tuple[Path, str], str] = {}  # (file, pointer) -> local `#/...` ref
        self.inlining: set[tuple[Path, str]] = set()
        self.origins: Origins = {}
        self.resolved: dict[tuple[Path, str], Path] = {}
        self.unresolved: list[SourceError] = []
        # id(container) -> (container, its keys whose `$ref` was replaced by the target itself)
        self.substituted: dict[int, tuple[Any, set[str | int]]] = {}

    @property
    def source(self) -> SourceMap:
        """Where each node of the bundled document is written (the root's map when it is one file)."""
        if self.local:
            return self.root.source
        return BundledSource(self.root.source, self.document, self.origins)

    def target(self, file: Path, written: str) -> Path:
        """The resolved file a `$ref` written in `file` names (resolving costs a system call per
        folder: DigitalOcean's description has 29,000 `$ref`s in 2,900 files)."""
        if not written:
            return file
        key = (file.parent, written)
        if key not in self.resolved:
            self.resolved[key] = (file.parent / written).resolve()
        return self.resolved[key]

    def load(self, path: Path, loaded: LoadedYaml, at: tuple[Any, ...]) -> LoadedYaml:
        if path not in self.files:
            if not path.is_file():
                raise loaded.source.error(at, f"$ref to a missing file {path}", SpecError)
            self.files[path] = read(path, SpecError)
        return self.files[path]

    def bundle(self, path: Path) -> dict[str, Any]:
        if not self.local:
            self.rewrite(self.document, path.resolve(), self.root, ())
            self.found = list(refs(self.document))
        return self.document

    def rewrite(self, node: Any, file: Path, loaded: LoadedYaml, at: tuple[Any, ...]) -> None:
        """Point every `$ref` (and discriminator mapping) under `node` (of `file`) into the root
        document."""
        for where, holder, key in list(links(node)):
            ref = holder[key]
            target_file, _, fragment = ref.partition("#")
            if not target_file and file == next(iter(self.files)):
                continue  # a local ref of the root document: checked later, as it is
            source = self.target(file, target_file)
            here = (*at, *where, key)
            try:
                if key == "$ref":
                    local = self.place(source, fragment, loaded, here, holder)
                else:  # a mapping value names a schema: never inlined
                    local = self.named(source, fragment, loaded, here)
            except SpecError as unresolved:
                if self.strict:
                    raise
                self.unresolved.append(unresolved)  # left as written: validate reports it
                continue
            if local is not None:
                holder[key] = local
                continue
            if not where:
                continue
            parent = lookup(node, where[:-1])[1]
            self.substitute(parent, where[-1])
            if VALUE in holder:  # a string, number or list: it replaces its ref
                parent[where[-1]] = holder[VALUE]
                self.remember(parent[where[-1]], self.files[source], fragment)

    def substitute(self, parent: Any, key: str | int) -> None:
        """Note that `parent[key]` was a `$ref` now replaced by what it names."""
        entry = self.substituted.setdefault(id(parent), (parent, set()))
        entry[1].add(key)

    def named(self, file: Path, fragment: str, by: LoadedYaml, at: tuple[Any, ...]) -> str:
        """The local ref of a target that a discriminator's mapping names: a component already,
        or placed in `components/schemas` (a mapping cannot hold a schema inlined)."""
        holder: dict[str, Any] = {}
        local = self.place(file, fragment, by, at, holder)
        if local is not None:
            return local
        local = self.name_recursive((file, fragment), file, decode_pointer(fragment) or ())
        self.document["components"]["schemas"][local.rpartition("/")[2]] = holder
        return local

    def remember(self, value: Any, loaded: LoadedYaml, fragment: str) -> None:
        """Note that `value` (now in the bundled document) is written at `fragment` of `loaded`."""
        if isinstance(value, dict | list):
            pointer = decode_pointer(fragment) or ()
            typed = typed_pointer(loaded.data, pointer)
            self.origins[id(value)] = (value, loaded.source, typed)

    def place(
        self, file: Path, fragment: str, by: LoadedYaml, at: tuple[Any, ...], holder: dict[str, Any]
    ) -> str | None:
        """The local ref now naming the target, or None: the target was inlined into `holder`."""
        loaded = self.load(file, by, at)  # a file that is no YAML/JSON: SpecError at its line
        pointer = decode_pointer(fragment) if fragment else ()
        found, value = lookup(loaded.data, pointer) if pointer is not None else (False, None)
        if not found:
            raise by.source.error(at, f"$ref to nothing: {file.name}#{fragment}", SpecError)
        key = (file, fragment)
        if key in self.placed:
            return self.placed[key]
        if pointer and len(pointer) == 3 and pointer[0] == "components":
            components = self.document.setdefault("components", {})
            kind = components.setdefault(str(pointer[1]), {})
            name, n = str(pointer[2]), 2
            while name in kind:  # a root component of that name already: keep both
                name, n = f"{pointer[2]}_{n}", n + 1
            local = "#" + encode_pointer(("components", str(pointer[1]), name))
            self.placed[key] = local
            kind[name] = copy.deepcopy(value)
            self.remember(kind[name], loaded, fragment)
            self.rewrite(kind[name], file, loaded, pointer)
            return local
        if key in self.inlining:  # a target inside itself cannot be inlined: named instead
            return self.name_recursive(key, file, pointer or ())
        self.inlining.add(key)
        inlined = copy.deepcopy(value)
        self.rewrite(inlined, file, loaded, pointer or ())
        self.inlining.discard(key)
        if key in self.placed:  # it refers to itself: kept under the name its refs now point to
            schemas = self.document["components"]["schemas"]  # made by name_recursive
            schemas[self.placed[key].rpartition("/")[2]] = inlined
            self.remember(inlined, loaded, fragment)
            return self.placed[key]
        holder.clear()
        holder.update(inlined if isinstance(inlined, dict) else {VALUE: inlined})
        moved = self.substituted.pop(id(inlined), None)  # its keys now belong to `holder`
        if moved is not None:
            self.substituted.setdefault(id(holder), (holder, set()))[1].update(moved[1])
        if isinstance(inlined, dict):
            self.remember(holder, loaded, fragment)
        return None

    def name_recursive(self, key: tuple[Path, str], file: Path, pointer: tuple[Any, ...]) -> str:
        """The `#/components/schemas/<name>` a recursive target outside components/ is placed
        at (only a schema can contain itself: DigitalOcean's `definitions.yml#/apiAgent` lists
        its child agents), named after its last pointer segment, else its file."""
        schemas = self.document.setdefault("components", {}).setdefault("schemas", {})
        base = re.sub(r"[^A-Za-z0-9._-]", "_", str(pointer[-1]) if pointer else file.stem)
        name, n = base, 2
        while name in schemas:
            name, n = f"{base}_{n}", n + 1
        schemas[name] = {}  # reserved: filled once its outermost inlining is done
        self.placed[key] = "#" + encode_pointer(("components", "schemas", name))
        return self.placed[key]
