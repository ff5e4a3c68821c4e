"""The public entry point: check one module's source text.

``Analyzer`` keeps the parsed units of every text it has seen (keyed by
content), so re-checking after an edit reparses only what changed.
Analysis never raises on user input: a syntax error is a diagnostic, and an
internal failure is an ``spmd-internal`` diagnostic with what to report.
"""

from __future__ import annotations

import ast
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import codes, library_models, policy
from .api import CacheStats
from .codes import Severity
from .config import Config
from .dependencies import (
    Dependencies,
    FileVersion,
    PackageOf,
    Resolution,
    Validator,
    text_digest,
    union_of,
)
from .filesystem import Moment
from .frontend import Unit, UnitCache
from .infer import Interpreter
from .journal import Carried, Journal
from .relocate import Edit, journal_extent, moved
from .resplit import LastSplits
from .results import Diagnostic, ModuleResult, Span, order_key
from .sharing import KeptCalls, OwnCall
from .state import Cancelled
from .values import ModuleVal, Value
from .workspace import Workspace, path_key

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Loaded:
    module: ModuleVal
    dependencies: Dependencies  # this module's text, and what its module-level run used
    # the part of that which is its own (its text, its package, where its imports went),
    # and the workspace modules it loaded: validated module by module, each once a check
    own: Dependencies = field(default_factory=Dependencies)
    imports: tuple[_Loaded, ...] = ()
    _files: frozenset[str] | None = None

    def files(self) -> frozenset[str]:
        """Every file it and the modules it loaded read, as the workspace names paths."""
        if self._files is None:
            self._files = frozenset(path_key(f.path) for f in self.dependencies.files)
        return self._files


@dataclass(frozen=True)
class _Journals:
    """A path's standalone analyses by key, the calls of its code they made
    (``sharing.OwnCall``), and the text whose lines they are at."""

    text: str
    table: dict[Any, Journal]
    calls: dict[Any, OwnCall] = field(default_factory=dict)

    def at(self, text: str, path: str) -> tuple[dict[Any, Journal], dict[Any, OwnCall]]:
        """The analyses and calls at the lines of ``text`` (``relocate.py``): analyses
        moved with an edit that added or removed lines, without those that mention a line
        it changed; calls only while no line moved (they are not moved)."""
        if text is self.text:
            return self.table, self.calls
        edit = Edit.between(self.text, text)
        if edit.moves_nothing:
            return self.table, self.calls  # keys say which analyses the edit changed
        table: dict[Any, Journal] = {}
        for key, journal in self.table.items():
            now = moved(journal, edit, path)
            if now is not None:
                table[key] = now
        return table, {}


class _Looks:
    """One look at the disk (``Workspace.moment``), its validator, and the loaded modules
    found to hold at it: the checks the look serves ask again only about those whose files
    include an open document that changed since (``Workspace.changed_since``). A module
    loaded in place of another drops every verdict (a module that held may have loaded the
    old one)."""

    def __init__(self, workspace: Workspace, moment: Moment | None = None) -> None:
        self.workspace = workspace
        self.validator = Validator(workspace, moment)
        self._held: dict[int, tuple[_Loaded, int]] = {}  # by id: the module, the mark

    def holds(self, loaded: _Loaded) -> bool:
        """Whether the module was found to hold at this look, and nothing it read changed."""
        found = self._held.get(id(loaded))
        if found is None or found[0] is not loaded:
            return False
        changed = self.workspace.changed_since(found[1])
        return changed is not None and not (changed and changed & loaded.files())

    def held(self, loaded: _Loaded, mark: int) -> None:
        """The module held, validated from ``mark`` (``Workspace.mark``) on."""
        self._held[id(loaded)] = (loaded, mark)

    def replaced(self) -> None:
        self._held.clear()


@dataclass
class _Recording:
    """What one check, or one module's module-level run inside it, depends on so far: its
    own reads and resolutions, and the workspace modules it loaded."""

    files: set[FileVersion] = field(default_factory=set)
    resolutions: set[Resolution] = field(default_factory=set)
    packages: set[PackageOf] = field(default_factory=set)
    imports: list[_Loaded] = field(default_factory=list)

    def own(self) -> Dependencies:
        return Dependencies.of(self.files, self.resolutions, self.packages)

    def freeze(self, extra: Dependencies | None = None) -> Dependencies:
        """Everything: its own (and ``extra``), and what each module it loaded depends on."""
        imported = union_of(tuple(loaded.dependencies for loaded in self.imports))
        own = self.own() if extra is None else self.own().union(extra)
        return imported.plus(own)


class _Loader:
    """Loads the workspace modules one check imports (and the checker's models of library
    modules outside it); a module is run at module level only, and reused while the
    dependencies it recorded hold (``Validator.current``). ``modules`` is the analyzer's table of
    loaded modules, shared by its checks; ``parse`` splits a text into units with the
    analyzer's parse cache. One loader serves one check, and records what that check
    depends on (``dependencies``)."""

    def __init__(
        self,
        workspace: Workspace,
        config: Config,
        modules: dict[str, _Loaded],
        parse: Callable[[str, str], list[Unit]],
        cancelled: Callable[[], bool] | None,
        kept: KeptCalls | None,
        looks: _Looks,
    ) -> None:
        self.workspace = workspace
        self.kept = kept  # the analyzer's calls kept across checks (sharing.KeptCalls)
        self.config = config
        self.modules = modules
        self.parse = parse
        # polled while an imported module's level runs too: loading a large import closure
        # is the longest stretch of a first check, and a background one must yield in it
        self.cancelled = cancelled
        self.loading: set[str] = set()
        # reads each file once per look at the disk, however many imports reach it
        self.looks = looks
        self.validator = looks.validator
        self.verdicts: dict[int, tuple[_Loaded, bool]] = {}  # _current's, by module
        # the check's own recording first, then one per module being loaded, innermost last
        self.recording: list[_Recording] = [_Recording()]
        # ``fingerprint``'s table, and how many of the check's imports it was built from
        self._fingerprints: dict[str, str] = {}
        self._fingerprinted = -1

    def dependencies(self, extra: Dependencies | None = None) -> Dependencies:
        """What the check depends on so far (and ``extra``): files read, imports resolved,
        packages."""
        return self.recording[0].freeze(extra)

    def paths(self) -> set[str]:
        """The workspace files the check read so far (``dependencies.paths``, without
        sorting everything it depends on)."""
        top = self.recording[0]
        found = {f.path for f in top.files}
        for loaded in top.imports:
            found.update(f.path for f in loaded.dependencies.files)
        return found

    def note_read(self, path: str, text: str | None) -> None:
        """The check read a workspace file for itself (not through an import)."""
        self.recording[-1].files.add(FileVersion(path, None if text is None else text_digest(text)))

    def fingerprint(self, path: str) -> str | None:
        """The fingerprint of a module the check's imports reached, directly or through
        the modules they import (None: not one of them): its text and everything it
        imports, which stand for its functions and classes."""
        imports = self.recording[0].imports
        if self._fingerprinted != len(imports):
            found: dict[str, str] = {}
            pending = list(imports)
            while pending:
                loaded = pending.pop()
                if loaded.module.path not in found:
                    found[loaded.module.path] = loaded.module.fingerprint
                    pending.extend(loaded.imports)
            self._fingerprints, self._fingerprinted = found, len(imports)
        return self._fingerprints.get(path)

    def load(self, importer: str, module: str) -> ModuleVal | None:
        workspace = self.workspace
        path = self.validator.resolve(importer, module)  # once per check and import
        current = self.recording[-1]
        current.resolutions.add(Resolution(importer, module, path))
        if path is None:
            return self._model(module)
        found = Path(path)
        if path in self.loading:
            return None  # an import cycle: what it would give is Unknown
        cached = self.modules.get(path)
        if cached is not None and self._current(cached):
            current.imports.append(cached)
            return cached.module
        text = workspace.read(found)
        if text is None:
            current.files.add(FileVersion(path, None))
            return None
        package = workspace.package_of(path)
        module_globals, recorded = self._run_module(path, text, self.config.for_path(path), package)
        recorded.files.add(FileVersion(path, text_digest(text)))
        recorded.packages.add(PackageOf(path, package))
        dependencies = recorded.freeze()
        loaded = _Loaded(
            ModuleVal(module, path, dependencies.fingerprint(), module_globals),
            dependencies,
            recorded.own(),
            tuple(recorded.imports),
        )
        current.imports.append(loaded)
        if path in self.modules:
            self.looks.replaced()
            if self.kept is not None:
                # calls kept across checks may name the old module's classes: none can be
                # taken again, and they would keep its objects alive
                self.kept.clear()
        self.modules[path] = loaded
        self.verdicts[id(loaded)] = (loaded, True)
        return loaded.module

    def _current(self, loaded: _Loaded) -> bool:
        """Whether a loaded module still holds: its own dependencies, and each module it
        loaded is the one loaded now and holds. Each module is asked about once a check,
        so a check validates each file and import once, not a module's whole transitive
        set at every import that reaches it."""
        known = self.verdicts.get(id(loaded))
        if known is not None and known[0] is loaded:
            return known[1]
        if self.looks.holds(loaded):
            verdict = True
        else:
            mark = self.workspace.mark()
            verdict = self.validator.current(loaded.own) and all(
                self.modules.get(child.module.path) is child and self._current(child)
                for child in loaded.imports
            )
            if verdict:
                self.looks.held(loaded, mark)
        self.verdicts[id(loaded)] = (loaded, verdict)
        return verdict

    def _model(self, module: str) -> ModuleVal | None:
        """The checker's model of a library module outside the workspace, if it has one
        (``library_models``): its text is the checker's own, so it depends on nothing."""
        text = library_models.MODELS.get(module)
        if text is None:
            return None
        path = library_models.path_of(module)
        cached = self.modules.get(path)
        if cached is not None:
            return cached.module
        # what the model imports is recorded apart and dropped: not the check's dependencies
        module_globals, _ = self._run_module(
            path, text, self.config, module.rpartition(".")[0] or None
        )
        loaded = ModuleVal(module, path, text_digest(text), module_globals)
        self.modules[path] = _Loaded(loaded, Dependencies.of())
        return loaded

    def _run_module(
        self, path: str, text: str, config: Config, package: str | None
    ) -> tuple[dict[str, Value], _Recording]:
        """Run a module's text at module level: its globals, and what it depended on (its
        imports), recorded apart from the check's."""
        self.loading.add(path)
        self.recording.append(_Recording())
        try:
            interpreter = Interpreter(
                path,
                self.parse(text, path),
                config,
                package,
                loader=self,
                module_level_only=True,
                cancelled=self.cancelled,
            )
            interpreter.run()
        finally:
            self.loading.discard(path)
            recorded = self.recording.pop()
        return interpreter.globals, recorded


class Analyzer:
    """Checks modules; thread-safe, with a parse cache shared across calls."""

    def __init__(
        self,
        config: Config | None = None,
        workspace: Workspace | None = None,
        parse_cache_entries: int = UnitCache.DEFAULT_CAPACITY,
        *,
        hover_facts: bool = True,
    ) -> None:
        self.config = config or Config()
        # results with hover facts (the server) or without (the command line)
        self.hover_facts = hover_facts
        self.workspace = workspace or Workspace()
        self._modules: dict[str, _Loaded] = {}
        self._imports: dict[str, set[str]] = {}  # checked path -> workspace files it used
        self._cache = UnitCache(parse_cache_entries)
        self._lock = threading.Lock()
        # standalone function analyses by what they depend on, per path (see DESIGN.md)
        self._journals: dict[str, _Journals] = {}
        # the signatures of each path's last finished check, for its next (journal.Carried)
        self._carried: dict[str, Carried] = {}
        # calls into loaded modules' code, for every check (sharing.KeptCalls)
        self._kept = KeptCalls()
        # the unit texts of each path's last check, so forgetting the path frees their trees
        self._unit_keys: dict[str, list[str]] = {}
        # each path's last text and units, so the next is split around the edit
        self._splits = LastSplits()
        self._looks: _Looks | None = None  # the last look at the disk (Workspace.moment)
        # what the last check built and no later check reads (its interpreter: the memo
        # tables, the shared calls, the templates), and the journals its path held before:
        # freed by ``release`` when the server is idle, else by the next check. Freeing
        # them when the check returns cost a keystroke in the generated 10,000-line module
        # 6-8 ms (a check's tables are freed by reference counting, see DESIGN.md)
        self._retired: tuple[object, ...] = ()
        self.last_reused = 0
        self.last_adopted = 0  # signatures the last check carried over (journal.Carried)

    def _parse(self, text: str, path: str) -> list[Unit]:
        with self._lock:
            return self._splits.split(text, self._cache, path)

    def _look(self) -> _Looks:
        """The checks' look at the disk: the last one while the workspace trusts it."""
        moment = self.workspace.moment()
        with self._lock:
            if self._looks is None or self._looks.validator.moment is not moment:
                self._looks = _Looks(self.workspace, moment)
            return self._looks

    def _tree(self, key: str) -> ast.Module | None:
        with self._lock:
            return self._cache.tree(key)

    def prepare(self, path: str, stop: Callable[[], bool]) -> None:
        """Gather the lines each of the path's analyses mentions (``journal_extent``), as
        the first edit that moves lines would: on the generated 10,000-line module that
        first Enter cost 55 ms more than the next ones, on the 50,000-line one 300 ms.
        Stops when ``stop`` says so (a check of the path is waiting)."""
        with self._lock:
            journals = self._journals.get(path)
        if journals is None:
            return
        for index, journal in enumerate(list(journals.table.values())):
            if index % 16 == 0 and stop():
                return
            journal_extent(journal, path)

    def release(self) -> None:
        """Free what the last check left to free (its interpreter, the journals it
        replaced), off the path of the next check."""
        with self._lock:
            retired, self._retired = self._retired, ()
        del retired  # outside the lock: freeing takes a while

    def forget(self, path: str) -> None:
        """Drop what is cached for a document nobody has open (closed, or checked by the
        workspace scan): its analyses, its carried signatures and its units' trees. A module
        that another check loaded keeps its units (in the loaded module)."""
        with self._lock:
            self._journals.pop(path, None)
            self._carried.pop(path, None)
            self._cache.discard(self._unit_keys.pop(path, ()))
            self._splits.forget(path)

    def cache_stats(self) -> CacheStats:
        """How much this analyzer keeps (for the server's statistics request)."""
        with self._lock:
            return CacheStats(
                parsed=len(self._cache),
                modules=len(self._modules),
                journals=sum(len(j.table) for j in self._journals.values()),
                kept_calls=len(self._kept),
                own_calls=sum(len(j.calls) for j in self._journals.values()),
            )

    def dependents(self, path: str) -> set[str]:
        """Checked files that used this file (directly or through other imports)."""
        target = str(Path(path))
        with self._lock:
            return {checked for checked, used in self._imports.items() if target in used}

    def check(
        self,
        path: str,
        source: str,
        package: str | None = None,
        *,
        cancelled: Callable[[], bool] | None = None,
    ) -> ModuleResult:
        """Check one module's text. ``cancelled`` is polled while analysing; when it returns
        True the check stops and raises ``Cancelled`` (nothing is cached from it)."""
        units = self._parse(source, path)
        with self._lock:
            self._unit_keys[path] = [unit.key for unit in units]
        own = Dependencies()
        if package is None:
            package = self.workspace.package_of(path)
            own = Dependencies.of(packages=[PackageOf(path, package)])
        result = ModuleResult(path)
        config = self.config.for_path(path)  # [[tool.spmd-check.overrides]] for this file
        try:
            with self._lock:
                journals = self._journals.get(path)
            # at this text's lines (relocate.py); outside the lock: it may move many
            previous, calls = journals.at(source, path) if journals is not None else ({}, {})
            with self._lock:
                carried = self._carried.get(path)
            loader = _Loader(
                self.workspace,
                self.config,
                self._modules,
                self._parse,
                cancelled,
                self._kept,
                self._look(),
            )
            interpreter = Interpreter(
                path,
                units,
                config,
                package,
                cache=previous,
                carried=carried,
                parsed=self._tree,
                loader=loader,
                cancelled=cancelled,
                hover_facts=self.hover_facts,
                kept=self._kept,
                # kept from a path's second check on: the command line and the workspace
                # scan check a file once, and keeping them is a first check's cost (their
                # keys and captures: 5% of the generated 10,000-line module's, profiled)
                own_calls=calls if self.hover_facts and journals is not None else None,
            )
            try:
                interpreter.run()
            except Cancelled:
                # the functions analysed before it stopped are as good as any: the check
                # that replaces it (or resumes it, for a background check that yielded to
                # an open document) replays them
                with self._lock:
                    self._journals[path] = _Journals(
                        source,
                        {**previous, **interpreter.used_journals},
                        {**calls, **interpreter.used_own_calls},
                    )
                raise
            read = loader.paths()
            with self._lock:
                self._imports[path] = read
            self.last_reused = interpreter.reused
            self.last_adopted = interpreter.cache_keys.adopted
            # keep only what this version used or made: the cache tracks the latest text
            with self._lock:
                replaced = self._journals.get(path)
                self._journals[path] = _Journals(
                    source, interpreter.used_journals, interpreter.used_own_calls
                )
                self._carried[path] = interpreter.cache_keys.carried
                retired, self._retired = self._retired, (interpreter, replaced)
            del retired  # the check before's, if nobody released it: freed here
        except Cancelled:
            raise
        except Exception as error:  # a bug in the checker must not cost the user their session
            log.exception("internal error while checking %s", path)
            frame = traceback.extract_tb(error.__traceback__)[-1]
            result.diagnostics.append(
                Diagnostic(
                    Span(0, 0, 0, 0),
                    codes.INTERNAL.name,
                    codes.INTERNAL_FAILURE.format(
                        error=f"{type(error).__name__}: {error}",
                        where=f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}",
                    ),
                    Severity.INFORMATION,
                )
            )
            return result
        ignore = config.ignore
        diagnostics = policy.visible(
            interpreter.sink.diagnostics.values(), policy.CommentLines(source), ignore
        )
        elsewhere: dict[str, list[Diagnostic]] = {}
        for other, found in interpreter.sink.elsewhere.items():
            if library_models.is_model(other):
                continue  # the user's code is checked, not the checker's models
            # suppressed by the comments of the file they are in, as that file reads now
            text = self.workspace.read(Path(other))
            loader.note_read(other, text)
            lines: policy.Lines = policy.CommentLines(text) if text is not None else []
            kept = policy.visible(found.values(), lines, ignore)
            if kept:
                elsewhere[other] = kept
        # A file's hover facts are its own analysis's: what it knows whatever the caller
        # passes, whichever other files were checked before it.
        fact_tables = interpreter.sink.fact_tables
        return ModuleResult(
            path,
            diagnostics=diagnostics,
            reveals=sorted(interpreter.sink.reveals.values(), key=lambda r: order_key(r.span)),
            collectives=sorted(
                interpreter.sink.collective_facts.values(), key=lambda c: order_key(c.span)
            ),
            fact_tables=fact_tables,
            elsewhere=elsewhere,
            dependencies=loader.dependencies(own),
        )


def check_source(source: str, path: str = "<string>", config: Config | None = None) -> ModuleResult:
    """Check one module's text (a fresh Analyzer: no cache across calls)."""
    return Analyzer(config).check(path, source)
