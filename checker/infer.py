"""Inference: an abstract interpreter over a module's units.

It walks statements with an environment from names to abstract values
(``values.py``): assignments, branches and loops, calls, attributes and
subscripts, functions and classes of the workspace, ``local_map`` contracts.
What a call of an outside name does is the business of the handler tables
(``spmd_api.HANDLERS``, ``mesh_api.HANDLERS``, ``python_api.HANDLERS``,
``dist_api.HANDLERS``, ``dtensor_api.HANDLERS``; no name is in two), else of the op table
(``ops.py``); both see the interpreter only as an ``Evaluator``
(``evaluator.py``), which ``Interpreter`` implements. Everything found goes to
one ``ResultSink`` (``sink.py``).

Functions of the module are analysed at each call for the argument types at
that call (memoised), and once on their own, with unknown parameters, when
nothing calls them. Whatever it cannot type is Unknown and produces no
diagnostic.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from . import (
    autograd_api,
    axes,
    codes,
    dist_api,
    dtensor_api,
    dtensors,
    entry,
    journal,
    mesh_api,
    meshes,
    nn_modules,
    ops,
    optable,
    places,
    python_api,
    rules_api,
    scalars,
    sharing,
    spmd_api,
)
from .codes import Severity
from .config import Config, Mode
from .evaluator import COLLECTION_LIMIT, UNROLL_LIMIT, CallContext, OpArgs, OpKwargs
from .frontend import VERIFY_INCREMENTAL, Unit
from .lattice import AxisType, LocalType
from .layout import NO_SPEC
from .memo import Memo
from .names import TYPE_NAMES, call_site_of, canonical, import_bindings, parameter_names
from .rebase import Rebase
from .results import Fix, Origin, Related, Span, TypeFact, origin_note, steps_of
from .rules import RuleViolation
from .sink import Capture, ResultSink
from .spelling import Spelling
from .state import Budget, BudgetExceeded, Frame, ModuleLoader, State
from .tensortype import EXACT, UNKNOWN_TYPE, Bindings, Root, TensorType
from .values import (
    UNKNOWN,
    AxisVal,
    BoundMethodVal,
    ClassVal,
    ConstVal,
    ContextKind,
    ContextVal,
    ContractVal,
    DTensorVal,
    FunctionIdentity,
    FunctionVal,
    InstanceVal,
    MeshVal,
    ModuleVal,
    PartitionSpecVal,
    RefVal,
    RegistrarVal,
    ScalarVal,
    ShapeVal,
    SymbolicVal,
    TensorSeqVal,
    TensorVal,
    TupleVal,
    TypeDictVal,
    TypedScalarVal,
    TypeVal,
    Value,
    join,
    keyword_type_dict,
    new_serial,
    type_dict,
    type_options,
)

UNTYPED = TensorType({}, EXACT)  # a tensor typed on no axis (a new nn.Parameter)
# What a call of an outside name does, by canonical name (no name is in two tables: a unit
# test says so, so their order does not matter).
_HANDLERS = {
    **dtensor_api.HANDLERS,
    **dist_api.HANDLERS,
    **python_api.HANDLERS,
    **mesh_api.HANDLERS,
    **spmd_api.HANDLERS,
    **rules_api.HANDLERS,
    **autograd_api.HANDLERS,
    **nn_modules.HANDLERS,
}
# Calls that build or enter a mesh: at module level, they make a module a script.
_SETS_UP_A_MESH = frozenset({"init_device_mesh", "DeviceMesh", "set_current_mesh"})
# nn.Module methods that set an attribute: register_buffer(name, tensor) and the like.
_REGISTERS = frozenset({"register_buffer", "register_parameter"})
# Methods of a mesh or process group that give numbers, not tensors.
_GROUP_METHODS = frozenset({"size", "rank", "get_rank", "get_local_rank", "get_coordinate"})
_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "truediv",
    ast.MatMult: "matmul",
    ast.FloorDiv: "floordiv",
    ast.Mod: "mod",
    ast.Pow: "pow",
    ast.BitAnd: "and",
    ast.BitOr: "or",
    ast.BitXor: "xor",
    ast.LShift: "lshift",
    ast.RShift: "rshift",
}
_COMPARE: dict[type[ast.cmpop], str] = {
    ast.Lt: "lt",
    ast.LtE: "le",
    ast.Gt: "gt",
    ast.GtE: "ge",
    ast.Eq: "eq",
    ast.NotEq: "ne",
}
_AUTOGRAD_BASES = frozenset({"torch.autograd.Function", "torch.autograd.function.Function"})
# Test case bases whose set-up enters nothing the checker models (no mesh, no typecheck())
_TESTCASE_BASES = frozenset(
    {
        "unittest.TestCase",
        "unittest.case.TestCase",
        "expecttest.TestCase",
        "torch.testing._internal.common_utils.TestCase",
    }
)
_MAX_CALL_DEPTH = 12
# the memo entry of a call while it runs: a recursive call gives Unknown
_RUNNING = sharing.SharedCall(UNKNOWN, {}, False)
_LOOP_ROUNDS = 4
FUNCTION_TIME_BUDGET = 2.0  # seconds for one function's standalone analysis
FUNCTION_STEP_BUDGET = 200_000  # statements interpreted for one function
_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_"))
# Calls that never annotate their arguments (no escape needed).
_KNOWN_CALLS = frozenset(
    {"reveal_type", "math.sqrt", "math.ceil", "math.floor", "math.log", "functools.partial"}
)
# Tensor methods that return Python numbers (typed like any op on the way: item() of a
# Partial tensor is rejected as non-linear).
_PYTHON_RESULTS = frozenset({"item", "__float__", "__int__", "__bool__"})
# Prefixes of torch names that are no ops: what they do is outside the SPMD types.
_NOT_OP_PREFIXES = (
    "torch.distributed",
    "torch.cuda",
    "torch.nn.init",
    "torch.autograd",
    "torch.utils",
)


class Interpreter:
    """Analyses one module; implements ``evaluator.Evaluator``. ``run`` fills ``sink``."""

    def __init__(
        self,
        path: str,
        units: list[Unit],
        config: Config,
        package: str | None = None,
        cache: dict[Any, journal.Journal] | None = None,
        carried: journal.Carried | None = None,
        parsed: Callable[[str], ast.Module | None] | None = None,
        loader: ModuleLoader | None = None,
        module_level_only: bool = False,
        cancelled: Callable[[], bool] | None = None,
        hover_facts: bool = True,
        kept: sharing.KeptCalls | None = None,
        own_calls: dict[Any, sharing.OwnCall] | None = None,
    ) -> None:
        self.path = path
        # what a hover shows, per expression: nobody hovers over the command line's checks
        # or an imported module's module level (a tenth of a check's time to record)
        self.hover_facts = hover_facts and not module_level_only
        # the mesh this module's code runs under when it does not say (a library's)
        self.mesh_root = Root(f"mesh#{path}", "the current mesh")
        self.units = units
        self.config = config
        self.package = package
        # a module that never imports spmd_types gives no sign that it runs under
        # typecheck(): its types are inferred as if it did (hovers), but what it would raise
        # there is not reported (see _initial_state)
        quiet = not _imports_spmd_types(units)
        self.globals: dict[str, Value] = {}
        self.sink = ResultSink(path, quiet)
        self.spelling = Spelling(units, self.globals)
        self.functions: list[FunctionVal] = []
        # the ranks of definitions named as ones in the units above (places.py)
        self.ranks = places.module_ranks(units)
        # tensors whose type the code stated (assert_type, mutate_type), by id
        self.declared: dict[int, Value] = {}
        # functions run so far (by id, in the order first run): not analysed on their own again
        self.analysed: dict[int, FunctionVal] = {}
        # while a journal records: every function whose body ran in it (``_ran``)
        self.journal_ran: set[FunctionIdentity] | None = None
        # memoised calls, each with its arguments' origins (``sharing.argument_origins``); a
        # call running holds ``_RUNNING`` (recursion through the memo gives Unknown)
        self.memo: dict[tuple[Any, ...], sharing.SharedCall] = {}
        # of the last invoke: in-place effects on arguments
        self.last_effects: dict[str, Value] = {}
        # of the last invoke: the function raises on every path (a manifest error)
        self.last_raised = False
        # calls on objects, by what the objects hold (``sharing.py``), and the writes to
        # objects and classes that keep a call that changed what its caller sees out of it
        self.shared_calls: dict[tuple[Any, ...], sharing.SharedCall] = {}
        # constructions, their objects kept as pristine copies (``fresh``), each with its
        # arguments' origins (``shape_of``)
        self.shared_builds: dict[tuple[Any, ...], sharing.SharedCall] = {}
        self.settled_calls: dict[tuple[Any, ...], sharing.SharedCall] = {}
        # calls into other files' code, kept across checks by the analyzer
        self.kept = kept
        # calls of this file's code an earlier check of it made (None: none are kept, the
        # command line's checks), and those this check made or took, for the next one
        self.own_calls = own_calls
        self.used_own_calls: dict[Any, sharing.OwnCall] = {}
        self._own_index: dict[Any, journal.Node] | None = None  # ``_own_nodes``
        # the sharing scope calls are memoised in (``_memo_context``; 0: none is open), and
        # the last one opened
        self._scope = 0
        self._scopes = 0
        self.declared_log: list[Value] = []  # what ``declare`` was given, in order
        self.write_log = sharing.WriteLog(new_serial())
        # module-level names bound again so far: a call memoised before may read one
        self.rebound_globals = 0
        self.stack: list[FunctionVal] = []
        self.cache = cache if cache is not None else {}
        self.carried = carried  # the previous check's signatures (CacheKeys.reuse)
        # a unit text's tree from the parse cache, by key (None: not kept)
        self.parsed = parsed or (lambda _key: None)
        self.algebra = meshes.Algebra()
        self.imported: dict[str, str] = {}  # path -> fingerprint of every workspace module used
        self.cache_keys = journal.CacheKeys(
            path,
            self._standalone_state(),
            quiet,
            self.imported,
            loader.fingerprint if loader is not None else None,
            # the write log's, not a closure over the interpreter: a cycle through it would
            # leave a whole check's tables to the cyclic collector instead of freeing them
            # when the check ends (twice the command line's collection time)
            self.write_log.foreign_written,
        )
        self.loader = loader
        self.budget = Budget(FUNCTION_STEP_BUDGET, FUNCTION_TIME_BUDGET, cancelled)
        self.module_level_only = module_level_only
        # what this check used or made: the next cache
        self.used_journals: dict[Any, journal.Journal] = {}
        self.reused = 0  # standalone analyses replayed from the cache (for tests and benchmarks)
        # per class, the object its methods run on when analysed on their own, and the
        # state its set-up left (a unittest setUp may enter the mesh and typecheck())
        self.templates: dict[int, InstanceVal] = {}
        self.template_states: dict[int, State] = {}
        # states before each context entered by a hand-called __enter__(), innermost last
        self.entered: list[State] = []
        # values the caller supplies that the code uses as numbers (sizes, counts)
        self.numbers = sharing.LoggedSet()
        # per class, the values the build of its template used as numbers: an analysis that
        # takes the template knows them as the one that built it did
        self.template_numbers: dict[int, frozenset[str]] = {}
        # per templated class (``CacheKeys.templated``): its template journal's digest
        # (``_template_journal``), the meshes' layouts once its object was built, and
        # whether its journal was replayed (a method analysed again builds it muted)
        self.template_digests: dict[int, Any] = {}
        self.template_algebra: dict[int, meshes.Algebra] = {}
        self.template_replayed: set[int] = set()
        # what the journals recorded or replayed so far ran, by identity: a function one ran
        # is not analysed on its own
        self.covered: set[FunctionIdentity] = set()
        # what every standalone analysis starts from (set once the module level has run)
        self._module_level = meshes.Algebra()
        self._module_numbers: frozenset[str] = frozenset()
        self.state = self._initial_state()
        self.state_at_start = self.state

    # ------------------------------------------------------------------ setup
    def _initial_state(self) -> State:
        # A script (a module that calls typecheck() or sets up its mesh itself, _is_script)
        # starts with nothing set: no checking and no current mesh until its `with` blocks
        # say so. Any other module is checked as if it ran under typecheck() with a mesh the
        # checker cannot see (unless the configuration names its axes): its functions, and
        # the snippets people try at module level. A module that never imports spmd_types
        # (a model file built from spmd layers, but also a tracing test or a data loader)
        # gets its types inferred the same way, but its errors are not reported
        # (``ResultSink.quiet``): nothing in it says it runs under typecheck().
        is_script = _is_script(self.units)
        mesh_axes = self.config.mesh_axes
        return State(
            checking=not is_script,
            strict=self.config.mode is Mode.STRICT,
            mesh=None if is_script else mesh_axes,
            mesh_known=is_script or mesh_axes is not None,
            grad=True,
            mesh_root=self.mesh_root,
            assumed=not is_script,
        )

    def _standalone_state(self) -> State:
        mesh_axes = self.config.mesh_axes
        return State(
            True,
            self.config.mode is Mode.STRICT,
            mesh_axes,
            mesh_axes is not None,
            True,
            mesh_root=self.mesh_root,
            assumed=True,
        )

    def run(self) -> None:
        """The module level, then every function nothing ran, on its own. What the check
        wrote to loaded modules' objects is put back when it ends, however it ends."""
        try:
            self._run()
        finally:
            self.write_log.put_back()

    def _run(self) -> None:
        for unit in self.units:
            if unit.error is not None:
                self._syntax_error(unit)
            if unit.tree is None:
                continue
            frame = Frame(self.globals, unit, None, self.globals, [])
            self.budget.check_cancelled()  # between units too: most are a few statements
            self.budget.start()
            try:
                self._exec_block(unit.tree.body, frame)
            except BudgetExceeded as exceeded:
                self.stack.clear()
                self.state = self.state_at_start
                self.sink.report(
                    Span(
                        unit.start_line, 0, unit.start_line, len(unit.lines[0]) if unit.lines else 0
                    ),
                    codes.INTERNAL,
                    codes.INTERNAL_STATEMENT_BUDGET.format(why=exceeded),
                    Severity.INFORMATION,
                )
            finally:
                self.budget.stop()
        if self.module_level_only:
            return
        self.algebra.open_world = True  # the functions nothing here calls: any caller
        # every standalone analysis starts from the meshes the module level built, so its
        # result (and its cache key) does not depend on which analyses ran before it
        module_level = self.algebra.snapshot()
        self.cache_keys.layouts = module_level.fingerprint()  # fixed from here on
        ran = [function.unit for function in self.analysed.values()]  # by the module level
        defined: list[journal.Node] = list(self.functions)
        defined += {id(f.owner): f.owner for f in self.functions if f.owner is not None}.values()
        self.cache_keys.reuse(self.carried, self.units, ran, self.parsed, defined)
        by_module_level = set(self.analysed)
        # what each standalone analysis knows of numbers at its start: what the module level
        # used as one, and never what another analysis did (a replayed journal would not
        # have told it, and its result would depend on what ran before it)
        module_numbers = frozenset(self.numbers)
        self._module_level, self._module_numbers = module_level, module_numbers
        for function in entry.entry_order(list(self.functions)):
            if id(function) in by_module_level or function.identity in self.covered:
                continue
            self.budget.check_cancelled()
            self._standalone(function)
        if self.write_log.wrote_foreign:
            self.cache_keys.carried.imported.clear()  # what it wrote stays written
            self.cache_keys.carried.imported_nodes.clear()
        if journal.VERIFY_CARRIED:
            self.cache_keys.verify_adopted()

    def _standalone(self, function: FunctionVal) -> None:
        """Replay or record the analysis of a function nothing analysed so far ran. A
        method of a templated class (``CacheKeys.templated``) is keyed by what its template
        holds: the template's journal comes first."""
        owner = function.owner
        if owner is None or not self.cache_keys.templated(owner):
            key = self.cache_keys.key(function)
            if self._replayed(key) is None:
                self._record(function, key, None)
            return
        digest = self._template_journal(owner)
        name = function.node.name
        if name in entry.BUILDS_SELF and owner.methods.get(name) is function:
            return  # building ``self`` is what the template's journal did
        key = None if digest is None else self.cache_keys.key(function, digest)
        if self._replayed(key) is None:
            self._record(function, key, owner)

    def _replayed(self, key: Any) -> journal.Journal | None:
        """The journal recorded under ``key`` by an earlier check, replayed; None if none."""
        cached = self.cache.get(key) if key is not None else None
        if cached is not None:
            self.used_journals[key] = cached
            self.sink.replay(cached)
            self.covered.update(cached.covered)
            self.reused += 1
        return cached

    def _record(
        self, function: FunctionVal, key: Any, template: ClassVal | None
    ) -> journal.Journal:
        """Analyse a function on its own, recording a journal (kept under ``key``, if any).
        ``template``: the templated class whose object it runs on."""
        # every analysis starts from what the module level left, and a method from what
        # building its object left too: never from what another analysis did
        built = self.template_algebra.get(id(template)) if template is not None else None
        self.algebra.restore(built if built is not None else self._module_level)
        self.numbers = sharing.LoggedSet(self._module_numbers)
        self.journal_ran = set()
        with self.sink.journaling() as recorded, self.write_log.isolated(new_serial()):
            known = len(self.functions)
            self._analyse_standalone(function)
            # nested functions defined while analysing it belong to its journal
            for nested in self.functions[known:]:
                if id(nested) not in self.analysed:
                    self._analyse_standalone(nested)
        recorded.covered = frozenset(self.journal_ran)
        self.journal_ran = None
        self.covered.update(recorded.covered)
        if key is not None:
            self.used_journals[key] = recorded
        return recorded

    def _template_journal(self, cls: ClassVal) -> Any:
        """The journal that builds a templated class's object, replayed or recorded once per
        check, and its digest: what the class's methods read of the object, the part of
        their keys that stands for the code that builds it (None: they are not cached).
        A digest that cannot be named stands for that code's key."""
        if id(cls) in self.template_digests:
            return self.template_digests[id(cls)]
        key = self.cache_keys.template_key(cls)
        cached = self._replayed(key)
        if cached is not None:
            # a method analysed again builds the object again, recording nothing: what
            # building it found is in this journal
            self.template_replayed.add(id(cls))
            digest = cached.digest
        else:
            builder = next(cls.methods[name] for name in entry.BUILDS_ORDER if name in cls.methods)
            recorded = self._record(builder, key, None)
            digest = self._template_digest(cls)
            recorded.digest = digest = ("code", key) if digest is None else digest
        self.template_digests[id(cls)] = digest = None if key is None else digest
        return digest

    def _template_digest(self, cls: ClassVal) -> Any:
        """What a method analysed on its own reads of the object its class's template
        journal built (``CacheKeys.template_digest``)."""
        instance = self.templates.get(id(cls))
        algebra = self.template_algebra.get(id(cls))
        if instance is None or algebra is None:
            return None
        receiver = entry.receiver(
            instance, self._standalone_state().known_mesh, lambda v: id(v) in self.declared
        )
        extra = (
            self.template_states.get(id(cls)),
            self.template_numbers.get(id(cls)),
            algebra.fingerprint(),
        )
        return self.cache_keys.template_digest(receiver, extra)

    # ------------------------------------------------------------ reporting
    def _syntax_error(self, unit: Unit) -> None:
        error = unit.error
        line = (error.lineno or 1) - 1 if error else 0
        column = max((error.offset or 1) - 1, 0) if error else 0
        line = min(line, max(len(unit.lines) - 1, 0))
        text = unit.lines[line] if unit.lines else ""
        column = min(column, len(text))
        end = len(text) if column >= len(text) else column + 1
        span = Span(unit.start_line + line, column, unit.start_line + line, max(end, column))
        message = error.msg if error else "invalid syntax"
        self.sink.report(
            span,
            codes.SYNTAX,
            codes.SYNTAX.message(message=message),
            Severity.ERROR,
        )

    def violation(
        self,
        violation: RuleViolation,
        frame: Frame,
        node: ast.AST,
        operand_nodes: list[ast.AST | None] | None = None,
        operand_values: list[Value] | None = None,
        certain: bool | None = None,
    ) -> None:
        target = node
        related: list[Related] = []
        if (
            operand_nodes is not None
            and violation.operand is not None
            and violation.operand < len(operand_nodes)
        ):
            target = operand_nodes[violation.operand] or node
        if (
            operand_values is not None
            and violation.operand is not None
            and violation.operand < len(operand_values)
        ):
            blamed = operand_values[violation.operand]
            if isinstance(blamed, TensorVal):
                related += origin_note(blamed.origin, "operand", self.path)
        if frame.call_site is not None:
            related.append(frame.call_site)
        fixes: list[Fix] = []
        if operand_nodes is not None:
            fixes = self.spelling.fixes(violation.fixes, operand_nodes, frame)
        is_certain = violation.certain if certain is None else certain and violation.certain
        self.sink.report(
            frame.unit.span(target),
            violation.code,
            violation.message,
            Severity.ERROR if is_certain else Severity.WARNING,
            tuple(related),
            tuple(fixes),
        )

    def _fact(self, frame: Frame, node: ast.AST, value: Value, target: bool = False) -> None:
        if self.hover_facts and isinstance(value, TensorVal):
            self.sink.fact(
                _Fact(
                    frame.unit.span(node),
                    frame.unit,
                    node,
                    value,
                    frame.bindings,
                    self.state.known_mesh,
                    target,
                )
            )

    # ------------------------------------------------------------ statements
    def _exec_block(self, body: list[ast.stmt], frame: Frame) -> None:
        for stmt in body:
            if frame.terminated:
                return
            try:
                self._exec(stmt, frame)
            except RecursionError:
                self.sink.report(
                    frame.unit.span(stmt),
                    codes.INTERNAL,
                    codes.INTERNAL_TOO_DEEP,
                    Severity.INFORMATION,
                )

    def _exec(self, stmt: ast.stmt, frame: Frame) -> None:
        self.budget.step()
        if isinstance(stmt, ast.Expr):
            self._eval(stmt.value, frame)
        elif isinstance(stmt, ast.Assign):
            value = self._eval(stmt.value, frame)
            for target in stmt.targets:
                self._assign(target, value, frame)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self._assign(stmt.target, self._eval(stmt.value, frame), frame)
        elif isinstance(stmt, ast.AugAssign):
            self._aug_assign(stmt, frame)
        elif isinstance(stmt, ast.If):
            taken = _truth(self._eval(stmt.test, frame))
            if taken is None:
                self._branches([stmt.body, stmt.orelse], frame)
            else:  # a condition the code fixes (a flag set from a literal): one path
                self._exec_block(stmt.body if taken else stmt.orelse, frame)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            iterable = self._eval(stmt.iter, frame)
            if (
                isinstance(iterable, TupleVal)
                and 0 < len(iterable.items) <= UNROLL_LIMIT
                and not stmt.orelse
            ):
                self._unrolled(stmt, frame, iterable.items)
            else:
                self._loop(stmt, frame, self._element_of(iterable))
        elif isinstance(stmt, ast.While):
            self._eval(stmt.test, frame)
            self._loop(stmt, frame, None)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            self._with(stmt, frame)
        elif isinstance(stmt, ast.Return):
            value = self._eval(stmt.value, frame) if stmt.value is not None else ConstVal(None)
            frame.returns.append(_settled(value, frame.bindings))
            frame.terminated = True
        elif isinstance(stmt, (ast.Raise, ast.Break, ast.Continue)):
            frame.terminated = True
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            frame.env[stmt.name] = self._define_function(stmt, frame, None)
        elif isinstance(stmt, ast.ClassDef):
            frame.env[stmt.name] = self._define_class(stmt, frame)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    frame.env[alias.asname] = self._import(alias.name) or self._ref(alias.name)
                else:
                    top = alias.name.split(".")[0]
                    frame.env[top] = self._import(top) or self._ref(top)
        elif isinstance(stmt, ast.ImportFrom):
            for local, qualname in import_bindings(stmt, self.package):
                module, _, name = qualname.rpartition(".")
                frame.env[local] = self._import_from(module, name) or self._ref(qualname)
        elif isinstance(stmt, ast.Try) or (
            hasattr(ast, "TryStar") and isinstance(stmt, ast.TryStar)
        ):
            self._try(stmt, frame)  # type: ignore[arg-type]
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    frame.env.pop(target.id, None)
        elif isinstance(stmt, ast.Assert):
            self._eval(stmt.test, frame)
        elif isinstance(stmt, ast.Match):
            self._eval(stmt.subject, frame)
            self._branches([case.body for case in stmt.cases] + [[]], frame)
        # pass, global, nonlocal: nothing to do

    def declare(self, value: Value) -> None:
        self.declared[id(value)] = value  # held: an id is only unique while its object lives
        self.declared_log.append(value)

    def mutate(self, target: ast.AST, value: Value, frame: Frame) -> None:
        """The object a name refers to changed in place (its SPMD type was set or changed):
        rebind the name, and if it is a parameter still naming the caller's object, record
        the effect for the caller."""
        if not isinstance(target, (ast.Name, ast.Attribute, ast.Subscript)):
            return
        self._assign(target, value, frame, in_place=True)
        if (
            isinstance(target, ast.Name)
            and frame.function is not None
            and target.id not in frame.rebound
            and target.id in _all_parameters(frame.function.node)
        ):
            frame.effects[target.id] = value

    def _assign(self, target: ast.expr, value: Value, frame: Frame, in_place: bool = False) -> None:
        if isinstance(target, ast.Name):
            if frame.env is self.globals and target.id in frame.env:
                self.rebound_globals += 1  # what a function reads may have changed
            frame.env[target.id] = value
            if not in_place:
                frame.rebound.add(target.id)
            self._fact(frame, target, value, target=not in_place)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self._unpack(value, len(target.elts))
            for element, item in zip(target.elts, items, strict=True):
                if isinstance(element, ast.Starred):
                    self._assign(element.value, UNKNOWN, frame)
                else:
                    self._assign(element, item, frame)
        elif isinstance(target, ast.Attribute):
            owner = self._eval(target.value, frame)
            if isinstance(owner, (InstanceVal, ClassVal)):
                self.write_log.write(owner)
                owner.attributes[target.attr] = value
            key = self._attr_key(target)
            if key is not None:
                frame.env[key] = value
            self._fact(frame, target, value, target=not in_place)
        elif isinstance(target, ast.Subscript):
            container = self._eval(target.value, frame)
            if isinstance(container, TypeDictVal) and isinstance(target.value, ast.Name):
                # d[group] = t on a type dict: the name now holds the changed dict
                slot = self.axis(
                    self._eval(target.slice, frame), target.slice, frame, resolve=False
                )
                options = type_options(value)
                if isinstance(slot, AxisVal) and options is not None:
                    entries = {k: ts for k, ts in container.entries() if k != slot}
                    entries[slot] = options
                    frame.env[target.value.id] = type_dict(entries, container.rest)
                else:
                    frame.env[target.value.id] = UNKNOWN
                return
            if isinstance(container, (TupleVal, TensorSeqVal)):
                # an element of a list replaced or changed in place: the list the name
                # holds is the same object, so the name sees it
                index = self._eval(target.slice, frame)
                self.mutate(target.value, _with_element(container, index, value), frame)
                return
            if isinstance(container, TensorVal):
                index = self._eval(target.slice, frame)
                self.op(
                    "Tensor.__setitem__",
                    [(container, target.value), (index, target.slice), (value, None)],
                    {},
                    target,
                    frame,
                )
        elif isinstance(target, ast.Starred):
            self._assign(target.value, UNKNOWN, frame)

    def _unpack(self, value: Value, count: int) -> list[Value]:
        if isinstance(value, TupleVal) and len(value.items) == count:
            return list(value.items)
        if isinstance(value, TensorSeqVal):
            return [value.element] * count
        if isinstance(value, ShapeVal):
            return [ScalarVal(None)] * count
        return [UNKNOWN] * count

    def _attr_key(self, node: ast.Attribute) -> str | None:
        if isinstance(node.value, ast.Name):
            return f"{node.value.id}.{node.attr}"
        return None

    def _aug_assign(self, stmt: ast.AugAssign, frame: Frame) -> None:
        target_value = (
            self._eval(stmt.target, frame)
            if not isinstance(stmt.target, ast.Subscript)
            else UNKNOWN
        )
        operand = self._eval(stmt.value, frame)
        name = _OPERATORS.get(type(stmt.op))
        if name is None:
            result: Value = UNKNOWN
        elif isinstance(target_value, TensorVal):
            result = self.op(
                f"Tensor.__i{name}__",
                [(target_value, stmt.target), (operand, stmt.value)],
                {},
                stmt,
                frame,
            )
        else:
            result = self.binary(name, target_value, operand, stmt.target, stmt.value, stmt, frame)
        if isinstance(target_value, TensorVal) and isinstance(
            stmt.target, (ast.Name, ast.Attribute)
        ):
            self.mutate(stmt.target, result, frame)
        elif isinstance(stmt.target, (ast.Name, ast.Attribute)):
            self._assign(stmt.target, result, frame)

    def _branches(self, bodies: list[list[ast.stmt]], frame: Frame) -> None:
        before = dict(frame.env)
        outcomes: list[Frame] = []
        raised = True
        for body in bodies:
            branch = frame.child(dict(before))
            self._exec_block(body, branch)
            raised &= branch.raised
            if not branch.terminated:
                outcomes.append(branch)
        if not outcomes:
            # every branch returned or raised; when each certainly raised, so does the path
            frame.terminated = True
            frame.raised = raised
            return
        _adopt(frame, _join_paths(outcomes))

    def _loop(
        self, stmt: ast.For | ast.AsyncFor | ast.While, frame: Frame, element: Value | None
    ) -> None:
        entry = dict(frame.env)
        current = frame.child(dict(entry))
        changed: Value | None = None  # the loop variable as the body left it in place
        for _ in range(_LOOP_ROUNDS):
            body = current.child(dict(current.env))
            if element is not None and isinstance(stmt, (ast.For, ast.AsyncFor)):
                self._assign(stmt.target, element, body)
            self._exec_block(stmt.body, body)
            if (
                element is not None
                and isinstance(stmt, (ast.For, ast.AsyncFor))
                and isinstance(stmt.target, ast.Name)
            ):
                after = body.env.get(stmt.target.id, element)
                if after is not element:
                    changed = after if changed is None else join(changed, after)
            merged = _join_paths([current, body])
            if merged.env == current.env and merged.bindings == current.bindings:
                break
            current = merged
        else:
            current.env = {
                k: (v if k in entry and entry[k] == v else UNKNOWN) for k, v in current.env.items()
            }
        orelse = current.child(dict(current.env))
        self._exec_block(stmt.orelse, orelse)
        _adopt(frame, _join_paths([current, orelse]) if not orelse.terminated else current)
        if changed is not None and isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._write_back(stmt, changed, frame)

    def _write_back(self, stmt: ast.For | ast.AsyncFor, changed: Value, frame: Frame) -> None:
        """A loop over a list held by a name changed its variable in place (annotated it):
        the element it changed is the list's, which one is not known, so every element
        may have changed."""
        base = _loop_base(stmt)
        if base is None:
            return
        container = self._peek(base[0], frame)
        if isinstance(container, TupleVal):
            start = base[1]
            items = tuple(
                join(item, changed) if i >= start else item
                for i, item in enumerate(container.items)
            )
            self.mutate(base[0], TupleVal(items), frame)
        elif isinstance(container, TensorSeqVal):
            element = join(container.element, changed)
            self.mutate(
                base[0], TensorSeqVal(element) if isinstance(element, TensorVal) else UNKNOWN, frame
            )

    def _unrolled(
        self, stmt: ast.For | ast.AsyncFor, frame: Frame, items: tuple[Value, ...]
    ) -> None:
        """A loop over a short literal sequence: run the body once per element, in order.
        ``for w in (self.w1, self.w2): assert_type(w, ...)`` annotates the attributes
        themselves: an element named in the loop's literal gets what its loop variable
        became in place (when the body never rebinds the variable)."""
        current = frame.child(dict(frame.env))
        sources = _loop_sources(stmt, len(items))
        for index, item in enumerate(items):
            body = current.child(dict(current.env))
            self._assign(stmt.target, item, body)
            self._exec_block(stmt.body, body)
            if body.raised:
                frame.stop()
                return
            if body.terminated:  # a break, continue or return somewhere: fall back to a join
                current = _join_paths([current, body])
                break
            if sources is not None and isinstance(stmt.target, ast.Name):
                after = body.env.get(stmt.target.id, item)
                if after is not item:
                    self.mutate(sources[index], after, body)
            current = body
        _adopt(frame, current)

    def _element_of(self, iterable: Value) -> Value:
        if isinstance(iterable, TensorSeqVal):
            return iterable.element
        if isinstance(iterable, TupleVal) and iterable.items:
            result = iterable.items[0]
            for item in iterable.items[1:]:
                result = join(result, item)
            return result
        return UNKNOWN

    def _try(self, stmt: ast.Try, frame: Frame) -> None:
        before = frame.child(dict(frame.env))
        body = frame.child(dict(frame.env))
        self._exec_block(stmt.body, body)
        self._exec_block(stmt.orelse, body)
        outcomes = [body] if not body.terminated else []
        for handler in stmt.handlers:
            # an SPMD error the checker is sure of may be what the handler catches: from the
            # handler on, the checker only knows what holds before or after the body
            joined = _join_paths([before, body])
            handler_frame = joined.child(dict(joined.env))
            if handler.name:
                handler_frame.env[handler.name] = UNKNOWN
            self._exec_block(handler.body, handler_frame)
            if not handler_frame.terminated:
                outcomes.append(handler_frame)
        _adopt(frame, _join_paths(outcomes) if outcomes else before)
        self._exec_block(stmt.finalbody, frame)
        if not outcomes:
            frame.terminated = True

    def _with(self, stmt: ast.With | ast.AsyncWith, frame: Frame) -> None:
        saved = self.state
        for item in stmt.items:
            value = self._eval(item.context_expr, frame)
            if isinstance(value, ContextVal):
                self.state = self._enter(value)
            if item.optional_vars is not None:
                self._assign(item.optional_vars, UNKNOWN, frame)
        try:
            self._exec_block(stmt.body, frame)
        finally:
            self.state = saved
        if frame.raised and any(_catches(item.context_expr) for item in stmt.items):
            # ``with self.assertRaises(...)``: the error is caught, the code after runs
            frame.raised = frame.terminated = False

    def _enter(self, context: ContextVal) -> State:
        state = self.state
        if context.kind is ContextKind.TYPECHECK:
            strict = (
                context.strict
                if context.strict is not None
                else (state.strict if state.checking else True)
            )
            # a register_no_typecheck function on the stack keeps checking paused; the SPMD
            # mode is the one asked for, else the active mode's (local when none is)
            global_mode = state.global_mode if context.local is None else not context.local
            return replace(
                state,
                checking=not state.paused,
                strict=strict,
                assumed=False,
                global_mode=global_mode,
            )
        if context.kind is ContextKind.NO_TYPECHECK:
            return replace(state, checking=False, assumed=False)
        if context.kind is ContextKind.LOCAL:
            # typecheck(local=True) while checking is on, else nothing
            return replace(state, global_mode=False) if state.checking else state
        if context.kind is ContextKind.NO_GRAD:
            return replace(state, grad=False)
        if context.kind is ContextKind.ENABLE_GRAD:
            return replace(state, grad=True)
        if context.kind is ContextKind.SET_MESH:
            mesh = context.mesh
            if mesh is None or mesh.axes is None:
                configured = self.config.mesh_axes
                root = Root(f"mesh#{context.site}", "the mesh set here")
                return replace(
                    state,
                    mesh=configured,
                    mesh_known=configured is not None,
                    mesh_root=root,
                    trivial=frozenset(),
                    named=True,
                    axis_sizes=(),
                    local_axes=context.local_axes,
                )
            return replace(
                state,
                mesh=mesh.axes,
                mesh_known=True,
                trivial=frozenset(mesh.trivial),
                named=mesh.named,
                axis_sizes=_axis_sizes(mesh, state),
                local_axes=context.local_axes,
            )
        return state

    # ------------------------------------------------------------ definitions
    def _define_function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, frame: Frame, owner: ClassVal | None
    ) -> FunctionVal:
        defaults = tuple(self._eval(d, frame) for d in node.args.defaults)
        kw_defaults = {
            a.arg: self._eval(d, frame)
            for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
            if d is not None
        }
        opaque = False
        unchecked = False
        paused = False
        local_hook = False
        registrars: list[RegistrarVal] = []
        grad: bool | None = None
        contract: ContractVal | None = None
        for decorator in node.decorator_list:
            value = self._eval(decorator, frame)
            name = value.qualname if isinstance(value, RefVal) else ""
            if isinstance(value, ContextVal) and value.kind in (
                ContextKind.NO_GRAD,
                ContextKind.ENABLE_GRAD,
            ):
                grad = value.kind is ContextKind.ENABLE_GRAD  # the body runs in that grad mode
                continue
            if canonical(name) in ("torch.no_grad", "torch.inference_mode"):
                grad = False
                continue
            if canonical(name) == "spmd.register_no_typecheck":
                paused = True
                continue
            if canonical(name) == "spmd.register_local_backward_hook":
                local_hook = True  # registers the function and returns it
                continue
            if canonical(name) == "spmd.no_typecheck" or (
                isinstance(value, ContextVal) and value.kind is ContextKind.NO_TYPECHECK
            ):
                unchecked = True
                continue
            if name in (
                "staticmethod",
                "classmethod",
                "property",
                "functools.wraps",
                "torch.no_grad",
                "typing.overload",
                "abc.abstractmethod",
                "torch.compile",
            ):
                continue
            if isinstance(value, ContextVal):
                continue
            if isinstance(value, ContractVal):
                contract = value
                unchecked = unchecked or value.unchecked
                continue
            if isinstance(value, RegistrarVal):
                registrars.append(value)  # register_decomposition(cls): registers it, keeps it
                continue
            opaque = True
        closure = frame.env if frame.function is not None else None
        qualname = f"{owner.qualname}.{node.name}" if owner is not None else node.name
        function = FunctionVal(
            node,
            frame.unit,
            qualname,
            frame.globals,
            closure,
            defaults,
            kw_defaults,
            opaque=opaque,
            unchecked=unchecked,
            no_typecheck_frame=paused,
            local_backward_hook=local_hook,
            owner=owner,
            contract=contract,
            grad=grad,
            place=self._place(frame.unit, node),
        )
        self.functions.append(function)
        for registrar in registrars:
            autograd_api.register_decomposition(registrar.cls, function)
        return function

    def _place(self, unit: Unit, node: ast.AST) -> places.Place:
        return places.place(unit, node, self.ranks.get(id(unit)))

    def _define_class(self, node: ast.ClassDef, frame: Frame) -> ClassVal:
        cls = ClassVal(node, frame.unit, node.name, place=self._place(frame.unit, node))
        # a test case whose every base the checker reads (or a plain TestCase, or a pytest
        # class): what its tests run under is what its set-up enters, nothing else
        cls.testcase = bool(node.bases) or entry.is_test_class(node, self.path)
        for base in node.bases:
            value = self._eval(base, frame)
            if isinstance(value, ClassVal):
                cls.bases.append(value)
                cls.autograd |= value.autograd
                cls.testcase &= value.testcase
            elif isinstance(value, RefVal) and canonical(value.qualname) in _AUTOGRAD_BASES:
                cls.autograd = True
                cls.testcase = False
            else:
                cls.testcase &= isinstance(value, RefVal) and value.qualname in _TESTCASE_BASES
        decorators = [(self._eval(d, frame), d) for d in node.decorator_list]
        # a class body reads the module's names through the globals; one inside a function
        # sees the function's locals too (a copy: its own names must not leak out)
        at_module_level = frame.env is frame.globals
        body_env = {} if at_module_level else dict(frame.env)
        body_frame = Frame(body_env, frame.unit, None, frame.globals, [])
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                cls.methods[stmt.name] = self._define_function(stmt, body_frame, cls)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                self._exec(stmt, body_frame)
        self.write_log.built_class()
        for name, value in body_frame.env.items():
            if at_module_level or name not in frame.env or frame.env[name] is not value:
                cls.attributes[name] = value
        for value, decorator in reversed(decorators):  # applied to the class once it is built
            if isinstance(value, RefVal):
                autograd_api.decorate_class(self, canonical(value.qualname), cls, decorator, frame)
        return cls

    # ------------------------------------------------------------ functions
    def _ran(self, function: FunctionVal) -> None:
        """A function's body runs: it is not analysed on its own again, and the journal
        being recorded covers it (whether or not it ran before in this check: what a
        journal covers must not depend on what ran before it, or a replay in another
        order would differ from running it)."""
        self.analysed[id(function)] = function
        if self.journal_ran is not None:
            self.journal_ran.add(function.identity)
            self.sink.covers(function.identity)

    def _analyse_standalone(self, function: FunctionVal) -> None:
        """Run a function nothing calls with what its unseen caller passes."""
        self._ran(function)
        declared = function.contract.in_types if function.contract is not None else None
        leaves = declared.items if isinstance(declared, TupleVal) else ()
        saved_state = self.state
        self.state = self._standalone_state()
        try:
            if function.owner is not None and function.node.name in entry.BUILDS_SELF:
                self.budget.start()
                self._template(function.owner)  # running them is building ``self``
                return
            args, kwargs = entry.entry_arguments(
                function,
                self.state.known_mesh,
                self._receiver,
                leaves,
                lambda leaf: self._declared_tensor(function, leaf),
            )
        except BudgetExceeded as exceeded:
            self._gave_up(function, exceeded)
            return
        finally:
            self.state = saved_state
        state = self.template_states.get(id(function.owner)) if function.owner else None
        if state is None and entry.runs_under_test_runner(function, self.path):
            state = replace(self._standalone_state(), checking=False, assumed=False)
        self._run_standalone(function, args, kwargs, state)

    def _declared_tensor(self, function: FunctionVal, leaf: Value) -> Value | None:
        """An input a contract declares (``local_map(in_types=...)``), as a tensor."""
        if not isinstance(leaf, TypeDictVal):
            return None
        axes_ = {axis.name: t for axis, t in leaf.items}
        exact = self.config.mesh_axes is not None and set(axes_) >= set(self.config.mesh_axes)
        return TensorVal(
            TensorType.of(LocalType(axes_), exact),
            None,
            Origin(function.unit.span(function.node), "the local_map in_types"),
        )

    def _receiver(self, cls: ClassVal) -> Value:
        """The ``self`` a method runs on when analysed on its own: a copy of the class's
        template."""
        return entry.receiver(
            self._template(cls), self.state.known_mesh, lambda v: id(v) in self.declared
        )

    def _template(self, cls: ClassVal) -> InstanceVal:
        """The object a class's ``__init__`` (or generated dataclass ``__init__``; for a
        unittest class, ``setUpClass`` then ``setUp``) builds from what its unseen caller
        passes. Built once per class and check."""
        found = self.templates.get(id(cls))
        if found is not None:
            self.numbers.update(self.template_numbers.get(id(cls), ()))
            return found
        instance = InstanceVal(cls, {})
        self.templates[id(cls)] = instance  # a constructor that builds its own class
        saved_state, saved_entered = self.state, list(self.entered)
        numbers = len(self.numbers.added)
        changes = self.algebra.changes
        if cls.testcase:
            # a test runner enters no typecheck(): checking is on where the set-up turns it
            # on (the current mesh stays as the library view has it: a set-up may enter one
            # in a way the checker does not follow, an ExitStack say)
            self.state = replace(self.state, checking=False, assumed=False)
        # built again for a method analysed again while the template's journal was
        # replayed: that journal holds what building it found, and covers what it ran
        again = id(cls) in self.template_replayed
        saved_ran = self.journal_ran
        if again:
            self.journal_ran = None
        try:
            self._build(cls, instance, again)
        finally:
            self.journal_ran = saved_ran
        # what the build left of the meshes, for the class's methods: when it changed
        # nothing, what they start from anyway (a copy per class was most of what the
        # command line's checks allocated more)
        self.template_algebra[id(cls)] = (
            self.algebra.snapshot() if self.algebra.changes != changes else self._module_level
        )
        self.template_numbers[id(cls)] = frozenset(self.numbers.added[numbers:])
        if cls.testcase or self.state != saved_state:
            self.template_states[id(cls)] = self.state
        self.state, self.entered = saved_state, saved_entered
        return instance

    def _build(self, cls: ClassVal, instance: InstanceVal, again: bool) -> None:
        """Run the methods that build a template object (``again``: recording nothing)."""
        with self.sink.muted() if again else nullcontext():
            for name in entry.BUILDS_ORDER:
                method = cls.method(name)
                if method is None or method.opaque:
                    if name == "__init__":
                        self._dataclass_init(cls, instance)
                    continue
                self._ran(method)
                # a set-up classmethod inherited from a base reads and writes the class
                # being built (``cls.MESH_SHAPE`` is the subclass's): the object stands for
                # it, so what it sets (``cls.mesh``) is the tests' ``self.mesh`` and no
                # shared class changes
                args, kwargs = entry.entry_arguments(
                    method, self.state.known_mesh, lambda _cls: instance, own_class=instance
                )
                frame = Frame(
                    self._bind(method, args, kwargs), method.unit, method, method.globals, []
                )
                with self._running(method, None):
                    self._exec_block(method.node.body, frame)

    def _dataclass_init(self, cls: ClassVal, instance: InstanceVal) -> None:
        """The ``__init__`` a dataclass generates: each field from the caller."""
        self.write_log.write(instance)
        for name in cls.dataclass_fields() or ():
            instance.attributes[name] = SymbolicVal(Root(f"{cls.qualname}.{name}", name))

    def _gave_up(self, function: FunctionVal, exceeded: BudgetExceeded) -> None:
        self.stack.clear()
        self.sink.report(
            _def_line(function),
            codes.INTERNAL,
            codes.INTERNAL_FUNCTION_BUDGET.format(function=function.qualname, why=exceeded),
            Severity.INFORMATION,
        )

    def _run_standalone(
        self,
        function: FunctionVal,
        args: list[Value],
        kwargs: dict[str, Value],
        state: State | None = None,
    ) -> None:
        saved = self.state
        self.state = autograd_api.standalone_state(function, state or self._standalone_state())
        self.budget.start()
        try:
            self.invoke(function, args, kwargs, None)
        except BudgetExceeded as exceeded:
            self._gave_up(function, exceeded)
        finally:
            self.state = saved
            self.budget.stop()

    def invoke(
        self,
        function: FunctionVal,
        args: list[Value],
        kwargs: dict[str, Value],
        call_site: Related | None,
    ) -> Value:
        self.last_raised = False
        if function in self.stack or len(self.stack) >= _MAX_CALL_DEPTH:
            return UNKNOWN
        env = self._bind(function, args, kwargs)
        # per journal: a replay gives what its analysis recorded, so the calls it made must
        # record there (reused from another analysis, the replay would lack what they found)
        key = (id(function), _signature(env), *self._memo_context())
        # a memoised call's values go on from this call's arguments' origins, as running it
        # would give them (the keys leave origins out)
        origins = sharing.argument_origins(env)
        found = self.memo.get(key)
        if found is not None and self._takes(found):
            return self._took(found, Rebase.between(found.origins, origins))
        shape_origins: list[Origin | None] = []
        shape = sharing.shape_of(env, None, shape_origins) if sharing.holds_object(env) else None
        shared_key = settled_key = None
        if shape is not None:
            # a method on an object built like one already seen: the call made on that one
            shared_key = (id(function), shape, *key[2:])
            # the same objects holding what they held when a call changed nothing in them
            settled_key = (key, shape)
            found = self.shared_calls.get(shared_key) or self.settled_calls.get(settled_key)
            if found is not None and self._takes(found):
                return self._took(found, Rebase.between(found.origins, tuple(shape_origins)))
        kept_key = self._kept_key(function, env)
        if kept_key is not None and self.kept is not None:
            kept = self.kept.get(function, kept_key.key)
            if kept is not None and not VERIFY_INCREMENTAL:
                return self._take_kept(function, kept, call_site, kept_key)
        opens = self._opens_scope(function)
        own_key = self._own_call_key(function, env, call_site) if opens else None
        own_found = None
        if own_key is not None:
            own_found = self._own_call(own_key)
            given = (
                self._own_result(own_found)
                if own_found is not None and not VERIFY_INCREMENTAL
                else None
            )
            if own_found is not None and given is not None:
                self._ran(function)
                self._retell(own_key, own_found)
                # what running it leaves: it is memoised as a quiet call is
                memoised = sharing.copy_value(given) if own_found.fresh else given
                entry = sharing.SharedCall(
                    memoised, own_found.effects, own_found.raised, (), origins, own_found.fresh
                )
                self._memoised(key, shared_key, entry, tuple(shape_origins))
                return given
        self.memo[key] = _RUNNING
        self._ran(function)
        arguments = dict(env)  # the frame's env gains its locals
        frame = Frame(env, function.unit, function, function.globals, [], call_site)
        built_before = new_serial()
        marks = self._marks()
        with (
            self.sink.capturing(whole=own_key is not None)
            if kept_key is not None or own_key is not None
            else nullcontext(None) as capture,
            self._watching(built_before) as watch,
            self._running(function, call_site),
            self._scoped(opens),
        ):
            self._exec_block(function.node.body, frame)
        result = _returned(function, frame)
        self.last_effects = effects = dict(frame.effects)
        self.last_raised = raised = frame.raised and not frame.returns  # whatever its path
        # a factory's new objects: kept as a pristine copy (what the caller later writes to
        # this one must not reach the next), handed out as copies
        fresh = (
            watch.quiet
            and sharing.fresh(result, built_before)
            and all(sharing.portable(v) for v in effects.values())
        )
        kept_result = sharing.copy_value(result) if fresh else result
        findings = self._findings(capture, marks)
        if own_key is not None and capture is not None and watch.quiet:
            self._keep_own(own_key, own_found, capture, marks, kept_result, effects, raised, fresh)
        if kept_key is not None and findings is not None and watch.quiet:
            self._keep(
                function,
                kept_key.key,
                sharing.KeptCall(
                    kept_result,
                    effects,
                    raised,
                    findings.reports,
                    findings.declared,
                    findings.numbers,
                    kept_key.origins,
                    fresh,
                ),
            )
        self.last_effects, self.last_raised = effects, raised  # the keeps above may ask others
        entry = sharing.SharedCall(kept_result, effects, raised, (), origins, fresh, findings)
        if fresh:
            self._memoised(key, shared_key, entry, tuple(shape_origins))
            return result
        gave = [result, *effects.values()]
        if not watch.quiet or sharing.holds_new_object(gave, built_before):
            # it changed what its caller sees (an object it was given, a class, the state),
            # or gave an object it built: a second call must do that again (unless what it
            # wrote is what was there)
            del self.memo[key]
            if settled_key is not None and sharing.settled(
                watch, arguments, shape, built_before, gave
            ):
                self.settled_calls[settled_key] = replace(
                    entry, written=tuple(watch.written), origins=tuple(shape_origins)
                )
            return result
        self._memoised(key, shared_key, entry, tuple(shape_origins))
        return result

    @staticmethod
    def _rebased_effects(effects: dict[str, Value], rebase: Rebase | None) -> dict[str, Value]:
        if rebase is None:
            return effects
        return {name: _rebased(value, rebase) for name, value in effects.items()}

    def _memo_context(self) -> tuple[Any, ...]:
        """What a memoised call depends on besides the callee and its arguments: the state,
        the journal it records in, the module-level names bound again so far (a function
        reads them as they are when called), the changes to the meshes' layouts and the
        caller's values known to be numbers."""
        return (
            self.state,
            self.sink.journal_number,
            self._scope,
            self.rebound_globals,
            self.algebra.changes,
            len(self.numbers),  # it only grows within a journal (in the key)
        )

    def _opens_scope(self, code: FunctionVal | ClassVal) -> bool:
        """Whether a call or construction of ``code`` opens a sharing scope: it is this
        file's code, called from a function (not an analysis's entry, not the module level)
        while no scope is open. What is memoised inside a scope is taken only inside it, and
        what was memoised outside is not taken inside: such a call runs the same wherever it
        runs, and leaves nothing another call could take, so it can be kept for the next
        check and taken there (``sharing.OwnCall``)."""
        return bool(self.stack) and self._scope == 0 and code.unit.path == self.path

    @contextmanager
    def _scoped(self, opens: bool) -> Iterator[None]:
        if not opens:
            yield
            return
        self._scopes += 1
        self._scope = self._scopes
        try:
            yield
        finally:
            self._scope = 0

    def _memoised(
        self,
        key: tuple[Any, ...],
        shared_key: tuple[Any, ...] | None,
        entry: sharing.SharedCall,
        shape_origins: tuple[Origin | None, ...],
    ) -> None:
        """A quiet call memoised (``entry``, with its arguments' origins as
        ``sharing.argument_origins`` gives them), and shared, when it gives no object or only
        objects it built (``fresh``), with those ``shape_of`` gives."""
        self.memo[key] = entry
        if (
            shared_key is not None
            and (entry.fresh or sharing.portable(entry.result))
            and all(sharing.portable(v) for v in entry.effects.values())
        ):
            self.shared_calls[shared_key] = replace(entry, origins=shape_origins)

    def _takes(self, found: sharing.SharedCall) -> bool:
        """Whether a memoised call may be taken here. One that gave new objects and whose
        findings are not known runs again inside a capture of other files' code: taken, it
        would leave the capture unable to stand for what ran (``ResultSink.skipped``), where
        running it kept the call around it for later checks."""
        return not found.fresh or found.findings is not None or not self.sink.reports_captured()

    def _took(self, found: sharing.SharedCall, rebase: Rebase | None) -> Value:
        """A memoised call taken instead of run: its values, rebased to this call's
        arguments' origins. The open captures of other files' code get what it found when it
        ran, as if it ran inside them (a later check may take their calls where its first run
        is not before them); without its findings, they cannot stand for what ran."""
        if found.findings is None:
            self.sink.skipped()
        elif self.sink.reports_captured():
            self.sink.retold(found.findings.reports)
            for value in found.findings.declared:
                self.declare(value if rebase is None else rebase.value(value))
            self.numbers.update(found.findings.numbers)
        for owner in found.written:
            self.write_log.write(owner)
        self.last_raised = found.raised
        self.last_effects = self._rebased_effects(found.effects, rebase)
        return _handed_out(found.result, rebase) if found.fresh else _rebased(found.result, rebase)

    def _findings(self, capture: Capture | None, marks: _Marks) -> sharing.Findings | None:
        """What a call of other files' code found, when its capture (``capturing()``) can
        stand for what ran."""
        if capture is None or capture.record is not None or capture.own:
            return None
        return sharing.Findings(
            tuple(capture.reports), self._declared_since(marks), self._numbers_since(marks)
        )

    def _own_result(self, call: sharing.OwnCall) -> Value | None:
        """A kept own call's result as this check gives it: a fresh one holds objects of the
        earlier check's classes, copied with this check's (None: one is gone, and the call
        runs again)."""
        return self._this_checks(call.result) if call.fresh else call.result

    def _kept_key(
        self, function: FunctionVal, env: dict[str, Value], built: ClassVal | None = None
    ) -> _KeptKey | None:
        """The key of a call into another file's code across checks (``sharing.KeptCalls``;
        ``built``: the class a construction builds), or None when it may not be kept."""
        if self.kept is None or function.unit.path == self.path or self.write_log.wrote_foreign:
            return None
        own = sharing.own_code(self.path, self.write_log)
        origins: list[Origin | None] = []
        shape = sharing.shape_of(env, own, origins)
        if shape is None or (built is not None and own(built)):
            return None
        key = (
            function,
            built,
            shape,
            self.state,
            self.sink.quiet,
            self.algebra.key(),
            frozenset(self.numbers),  # a value used as a number reads as one in the callee
        )
        return _KeptKey(key, tuple(origins))

    def _own_call(self, key: tuple[Any, ...]) -> sharing.OwnCall | None:
        """The call kept under ``key``: made or taken by this check, or by the one before."""
        found = self.used_own_calls.get(key)
        if found is None and self.own_calls is not None:
            found = self.own_calls.get(key)
        return found

    def _own_call_key(
        self,
        function: FunctionVal,
        env: dict[str, Value],
        call_site: Related | None,
        built: ClassVal | None = None,
    ) -> tuple[Any, ...] | None:
        """The key of a call of this file's code that opens a sharing scope, across checks
        of the file (``sharing.OwnCall``), or None when it may not be kept: outside a
        standalone analysis (the module level runs again), where its records could not be
        retold whole (``keeps_whole``), in a check that wrote another file's objects, or
        when the callee or an argument cannot be named across checks. The callee by its
        signature (its text and everything it reaches), the arguments as
        ``CacheKeys.call_digest`` names them (tensors with their origins), the call site
        (its errors name it), and what else the callee reads."""
        if (
            self.own_calls is None
            or self.journal_ran is None
            or function.closure is not None
            or self.write_log.wrote_foreign
            or not self.sink.keeps_whole()
        ):
            return None
        signature = self.cache_keys.signature(built if built is not None else function)
        if signature is None:
            return None
        arguments = self.cache_keys.call_digest(env)
        if arguments is None:
            return None
        return (
            signature,
            arguments,
            call_site,
            self.state,
            self.sink.quiet,
            self.algebra.key(),
            frozenset(self.numbers),
            self.rebound_globals,
        )

    def _own_build_key(
        self, cls: ClassVal, arguments: dict[str, Value], site: Related
    ) -> tuple[Any, ...] | None:
        """The key of a construction of this file's class across checks (as
        ``_own_call_key``: the class by its signature, which covers its constructor)."""
        init = cls.method("__init__")
        assert init is not None
        key = self._own_call_key(init, arguments, site, cls)
        return None if key is None else ("build", *key)

    def _retell(self, key: tuple[Any, ...], call: sharing.OwnCall) -> None:
        """A call of this file's code an earlier check (or this one) made, taken instead of
        run: what it recorded is recorded again, and the statements it ran are counted."""
        self.used_own_calls[key] = call
        self.budget.charge(call.steps)
        self.sink.retell(call.record)
        if self.journal_ran is not None:
            self.journal_ran.update(call.record.covered)
        self.numbers.update(call.numbers)
        for value in call.declared:
            self.declare(value)
        self.last_effects = call.effects
        self.last_raised = call.raised

    def _this_checks(self, value: Value) -> Value | None:
        """A kept object of this file's classes, copied with this check's classes and
        functions in place of the earlier check's (the same definitions: same text and
        place); None when one is not defined in this check."""
        nodes = self._own_nodes()

        def code(old: Value) -> Value:
            if isinstance(old, (FunctionVal, ClassVal)) and old.unit.path == self.path:
                found = nodes.get(self.cache_keys.own(old))
                if found is None:
                    raise LookupError(old.qualname)
                return found
            if isinstance(old, RegistrarVal) and old.cls.unit.path == self.path:
                cls = code(old.cls)
                assert isinstance(cls, ClassVal)
                return RegistrarVal(cls)
            return old

        try:
            return sharing.copy_objects(value, {}, code=code)
        except LookupError:
            return None

    def _own_nodes(self) -> dict[Any, journal.Node]:
        """This check's functions and classes of this file, by own part (text, place,
        name: ``CacheKeys.own``)."""
        if self._own_index is None:
            nodes: list[journal.Node] = list(self.functions)
            nodes += [f.owner for f in self.functions if f.owner is not None]
            nodes += [v for v in self.globals.values() if isinstance(v, ClassVal)]
            self._own_index = {
                self.cache_keys.own(node): node for node in nodes if node.unit.path == self.path
            }
        return self._own_index

    def _marks(self) -> _Marks:
        return _Marks(
            len(self.declared_log), len(self.numbers.added), len(self.functions), self.budget.steps
        )

    def _declared_since(self, marks: _Marks) -> tuple[Value, ...]:
        return tuple(self.declared_log[marks.declared :])

    def _numbers_since(self, marks: _Marks) -> frozenset[str]:
        return frozenset(self.numbers.added[marks.numbers :])

    def _keep_own(
        self,
        key: tuple[Any, ...],
        found: sharing.OwnCall | None,
        capture: Capture,
        since: _Marks,
        result: Value,
        effects: dict[str, Value],
        raised: bool,
        fresh: bool = False,
    ) -> None:
        """Keep a quiet call of this file's code (``Watch``) for later checks of it: one that
        gave no object (``fresh``: a construction's or a factory's new objects, kept as a
        pristine copy, handed out as copies), defined no function, and whose records were
        captured whole."""
        if (
            capture.record is None
            or capture.incomplete
            or len(self.functions) != since.functions
            or self.write_log.wrote_foreign
            or not (fresh or sharing.portable(result))
            or not all(sharing.portable(v) for v in effects.values())
        ):
            return
        call = sharing.OwnCall(
            result,
            effects,
            raised,
            capture.record,
            self._declared_since(since),
            self._numbers_since(since),
            self.budget.steps - since.steps,
            fresh,
        )
        if (
            VERIFY_INCREMENTAL  # it ran although it was kept: to compare
            and found is not None
            and not sharing.same_own_call(found, call, self._described)
        ):
            raise AssertionError(
                f"a kept call of this file's code differs from running it again:"
                f" kept {found}, ran {call}"
            )
        self.used_own_calls[key] = call

    def _described(self, value: Value) -> Any:
        return self.cache_keys.call_digest({"": value})

    def _take_kept(
        self,
        function: FunctionVal,
        kept: sharing.KeptCall,
        call_site: Related | None,
        key: _KeptKey,
    ) -> Value:
        """A call an earlier check made, taken instead of run: what it found is recorded
        again, as this check's, and its values go on from this call's arguments' origins."""
        with self.sink.running(function.unit.path, call_site):
            for report in kept.reports:
                with self.sink.running(report.path, None):  # the file it was found in
                    self.sink.report(report.span, report.code, report.message, report.severity)
        self.numbers.update(kept.numbers)
        self.last_raised = kept.raised
        rebase = Rebase.between(kept.origins, key.origins)
        if rebase is None:  # the same origins (most takes): the values as they were kept
            for value in kept.declared:
                self.declare(value)
            self.last_effects = kept.effects
            # a kept object (a construction's, a factory's) is handed out as a copy
            return sharing.copy_value(kept.result) if kept.fresh else kept.result
        for value in kept.declared:
            self.declare(rebase.value(value))
        self.last_effects = {name: rebase.value(v) for name, v in kept.effects.items()}
        return rebase.value(kept.result)

    def _keep(
        self,
        function: FunctionVal,
        key: tuple[Any, ...],
        call: sharing.KeptCall,
    ) -> None:
        """Keep a quiet call into another file's code, whose capture stands for what ran
        (``_findings``), for later checks (see ``KeptCalls``; a fresh one's objects are
        handed out as copies)."""
        assert self.kept is not None
        if (
            self.write_log.wrote_foreign
            or not (call.fresh or sharing.portable(call.result))
            or not all(sharing.portable(v) for v in call.effects.values())
        ):
            return
        if VERIFY_INCREMENTAL:
            found = self.kept.get(function, key)
            if found is not None and not sharing.same_call(found, call):
                raise AssertionError(
                    f"a kept call of {function.qualname} differs from running it again:"
                    f" kept {found}, ran {call}"
                )
        self.kept.keep(function, key, call)

    @contextmanager
    def _watching(self, built_before: int) -> Iterator[sharing.Watch]:
        """Watch a call run: what it wrote, and whether it changed anything else its caller
        sees (see ``sharing.Watch``)."""
        watch = sharing.Watch()
        changes, entered, state = self.algebra.changes, len(self.entered), self.state
        saved = self.write_log.begin()
        first = self.write_log.count
        try:
            yield watch
        finally:
            oldest_written = self.write_log.end(saved)
        watch.written = self.write_log.owners_since(first)
        watch.kept_state = (
            self.algebra.changes == changes and len(self.entered) == entered and self.state == state
        )
        watch.quiet = watch.kept_state and oldest_written >= built_before

    def _bind(
        self, function: FunctionVal, args: list[Value], kwargs: dict[str, Value]
    ) -> dict[str, Value]:
        node = function.node
        env: dict[str, Value] = {}
        positional = [*node.args.posonlyargs, *node.args.args]
        defaults = function.defaults
        first_default = len(positional) - len(defaults)
        for index, param in enumerate(positional):
            if index < len(args):
                env[param.arg] = args[index]
            elif param.arg in kwargs:
                env[param.arg] = kwargs[param.arg]
            elif index >= first_default:
                env[param.arg] = defaults[index - first_default]
            else:
                env[param.arg] = UNKNOWN
        for param in node.args.kwonlyargs:
            env[param.arg] = kwargs.get(param.arg, function.kw_defaults.get(param.arg, UNKNOWN))
        if node.args.vararg:
            env[node.args.vararg.arg] = UNKNOWN
        if node.args.kwarg:
            named = {p.arg for p in (*positional, *node.args.kwonlyargs)}
            rest = {k: v for k, v in kwargs.items() if k not in named}
            # ``**axes`` given as ``dp=V, tp=R``: a type dict; anything else is not followed
            env[node.args.kwarg.arg] = keyword_type_dict(rest) if rest else UNKNOWN
        return env

    def _call_function(
        self,
        function: FunctionVal,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        frame: Frame,
    ) -> Value:
        if function.opaque or any(isinstance(a, ast.Starred) for a in getattr(node, "args", [])):
            return UNKNOWN
        site = Related(
            frame.unit.span(node), f"called from here with {_describe_args(args, kwargs)}"
        )
        # the callee sees the arguments as this path knows them
        args = [_settled(a, frame.bindings) for a in args]
        kwargs = {k: _settled(v, frame.bindings) for k, v in kwargs.items()}
        contract = function.contract
        if contract is None or not self.state.checking:
            self.last_effects = {}
            result = self.invoke(function, args, kwargs, site)
            if self.last_raised:
                frame.stop()
                return UNKNOWN
            self._apply_effects(function, node, len(args) - len(getattr(node, "args", [])), frame)
            return result
        call_args = getattr(node, "args", [])
        if contract.in_types is not None:
            args = self._boundary(args, call_args, contract.in_types, node, frame)
            if frame.raised:
                return UNKNOWN
        # a local_map body runs under local(): local SPMD, whatever the caller's mode
        body = self.state if contract.unchecked else replace(self.state, global_mode=False)
        with self.running_in(body):
            result = self.invoke(function, args, kwargs, site)
        if self.last_raised:
            frame.stop()
            return UNKNOWN
        return self._stamp(result, contract.out_types, node, frame)

    def _apply_effects(
        self, function: FunctionVal, node: ast.AST, implicit: int, frame: Frame
    ) -> None:
        """Carry a callee's in-place effects on its parameters back to the caller's names.
        ``implicit``: leading arguments the call does not spell (``self``)."""
        effects = self.last_effects
        if not effects or not isinstance(node, ast.Call):
            return
        params = parameter_names(function.node)
        for name, value in effects.items():
            arg_node: ast.AST | None = None
            if name in params:
                index = params.index(name) - implicit
                if 0 <= index < len(node.args):
                    arg_node = node.args[index]
            for keyword in node.keywords:
                if keyword.arg == name:
                    arg_node = keyword.value
            if arg_node is not None:
                self.mutate(arg_node, value, frame)

    def _boundary(
        self,
        args: list[Value],
        arg_nodes: list[ast.expr],
        specs: Value,
        node: ast.AST,
        frame: Frame,
    ) -> list[Value]:
        """local_map's entry check: each argument is assert_type'd with its spec, at the call."""
        leaves = specs.items if isinstance(specs, TupleVal) else (specs,)
        if len(leaves) != len(args):
            return [UNKNOWN] * len(args)
        checked = []
        for value, spec, arg_node in zip(
            args, leaves, [*arg_nodes, *[node] * len(args)], strict=False
        ):
            checked.append(self._apply_spec(value, arg_node, spec, frame))
        return checked

    def _stamp(self, result: Value, specs: Value, node: ast.AST, frame: Frame) -> Value:
        """local_map's exit: the result gets the declared types (refining what the body gave)."""
        if (
            isinstance(result, TupleVal)
            and isinstance(specs, TupleVal)
            and len(result.items) == len(specs.items)
        ):
            return TupleVal(
                tuple(
                    self._apply_spec(r, None, sp, frame, node)
                    for r, sp in zip(result.items, specs.items, strict=True)
                )
            )
        return self._apply_spec(result, None, specs, frame, node)

    def _apply_spec(
        self,
        value: Value,
        value_node: ast.AST | None,
        spec: Value,
        frame: Frame,
        site: ast.AST | None = None,
    ) -> Value:
        if isinstance(spec, ConstVal) and spec.value is None:
            return value
        if spmd_api.is_infer(spec):
            anchor = value_node or site
            kind = "input" if value_node is not None else "output"
            span = frame.unit.span(anchor) if anchor is not None else None
            return spmd_api.infer_at_leaf(self, span, kind, frame)
        if isinstance(spec, TupleVal) and len(spec.items) == 2:
            type_args = [(spec.items[0], value_node or site)]
            spec_value: Value | None = spec.items[1]
        elif isinstance(spec, (TypeDictVal, PartitionSpecVal)):
            type_args = [(spec, value_node or site)] if isinstance(spec, TypeDictVal) else []
            spec_value = spec if isinstance(spec, PartitionSpecVal) else None
        else:
            return UNKNOWN
        if value is UNKNOWN:
            value = TensorVal(UNKNOWN_TYPE)
        target = value_node if value_node is not None else ast.Constant(None)
        if value_node is None and site is not None:
            ast.copy_location(target, site)
            target.end_lineno, target.end_col_offset = site.end_lineno, site.end_col_offset  # type: ignore[attr-defined]
        anchor = value_node or site
        span = frame.unit.span(anchor) if anchor is not None else Span(0, 0, 0, 0)
        return spmd_api.assert_values(self, value, target, type_args, spec_value, span, frame)  # type: ignore[arg-type]

    def _instantiate(
        self,
        cls: ClassVal,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        frame: Frame,
    ) -> Value:
        instance = InstanceVal(cls, {})
        init = cls.method("__init__")
        if init is not None and (init in self.stack or len(self.stack) >= _MAX_CALL_DEPTH):
            return UNKNOWN  # a constructor that builds its own class: recursion gives Unknown
        if init is not None and not init.opaque:
            site = Related(frame.unit.span(node), "constructed here")
            env = self._bind(init, [instance, *args], kwargs)
            # instances are mutable: a construction like one seen gives a copy of what that
            # one built (when it built it alone: sharing.built_alone)
            arguments = dict(list(env.items())[1:])
            origins: list[Origin | None] = []
            shape = sharing.shape_of(arguments, None, origins)
            key = None
            if shape is not None:
                key = (init, cls, shape, *self._memo_context())
                found = self.shared_builds.get(key)
                if found is not None:
                    shared = self._took(found, Rebase.between(found.origins, tuple(origins)))
                    assert isinstance(shared, InstanceVal)
                    return shared
            kept_key = self._kept_key(init, arguments, cls)
            if kept_key is not None and self.kept is not None and not VERIFY_INCREMENTAL:
                kept = self.kept.get(init, kept_key.key)
                if kept is not None:
                    built = self._take_kept(init, kept, site, kept_key)
                    assert isinstance(built, InstanceVal)
                    return built
            opens = self.write_log.built_here(cls.serial) and self._opens_scope(cls)
            own_key = self._own_build_key(cls, arguments, site) if opens else None
            own_found = None
            if own_key is not None:
                own_found = self._own_call(own_key)
                if own_found is not None and not VERIFY_INCREMENTAL:
                    copied = self._this_checks(own_found.result)
                    if isinstance(copied, InstanceVal):
                        self._ran(init)
                        self._retell(own_key, own_found)
                        if key is not None:  # what building it leaves, as below
                            self.shared_builds[key] = sharing.SharedCall(
                                sharing.fresh_copy(copied), {}, False, (), tuple(origins), True
                            )
                        return copied
            self._ran(init)
            marks = self._marks()
            with (
                self.sink.capturing(whole=own_key is not None)
                if kept_key is not None or own_key is not None
                else nullcontext(None) as capture,
                self._watching(instance.serial) as watch,
                self._running(init, site),
                self._scoped(opens),
            ):
                self._exec_block(
                    init.node.body, Frame(env, init.unit, init, init.globals, [], site)
                )
            if watch.quiet and sharing.built_alone(instance):
                # a copy: what the caller later writes to this one must not reach the next
                pristine = sharing.fresh_copy(instance)
                findings = self._findings(capture, marks)
                if key is not None:
                    self.shared_builds[key] = sharing.SharedCall(
                        pristine, {}, False, (), tuple(origins), True, findings
                    )
                if own_key is not None and capture is not None:
                    self._keep_own(
                        own_key, own_found, capture, marks, pristine, {}, False, fresh=True
                    )
                if kept_key is not None and findings is not None:
                    kept_call = sharing.KeptCall(
                        pristine,
                        {},
                        False,
                        findings.reports,
                        findings.declared,
                        findings.numbers,
                        kept_key.origins,
                        fresh=True,
                    )
                    self._keep(init, kept_key.key, kept_call)
        return instance

    @contextmanager
    def _running(self, function: FunctionVal, call_site: Related | None) -> Iterator[None]:
        """Run a function's body: on the call stack, in its own file (an error in another
        file's code belongs to that file), with checking off if it is @no_typecheck."""
        self.stack.append(function)
        saved = self.state
        entered = len(self.entered)
        if function.unchecked:
            self.state = replace(self.state, checking=False)
        if function.no_typecheck_frame:
            self.state = replace(self.state, checking=False, paused=True)
        if function.grad is not None:
            self.state = replace(self.state, grad=function.grad)
        try:
            with self.sink.running(function.unit.path, call_site):
                yield
        finally:
            self.stack.pop()
            if len(self.entered) == entered:
                self.state = saved
            # else: contexts it entered with __enter__() stay entered after it returns (a
            # unittest setUp that enters the mesh and typecheck() for the tests)

    def is_running(self, function: FunctionVal) -> bool:
        return function in self.stack

    def wrote(self, owner: object) -> None:
        self.write_log.write(owner)

    @contextmanager
    def running_in(self, state: State) -> Iterator[None]:
        saved = self.state
        self.state = state
        try:
            yield
        finally:
            self.state = saved

    def _enter_explicitly(self, context: ContextVal, entering: bool) -> None:
        """``cm.__enter__()`` / ``cm.__exit__(...)`` called by hand: the state changes until
        the matching exit, whatever function returns in between."""
        if entering:
            self.entered.append(self.state)
            self.state = self._enter(context)
        elif self.entered:
            self.state = self.entered.pop()

    # ------------------------------------------------------------ expressions
    def _eval(self, node: ast.expr | None, frame: Frame) -> Value:
        if node is None:
            return ConstVal(None)
        value = self._eval_inner(node, frame)
        if (isinstance(value, TensorVal) and not isinstance(node, ast.Name)) or isinstance(
            value, TensorVal
        ):
            self._fact(frame, node, value)
        return value

    def _eval_inner(self, node: ast.expr, frame: Frame) -> Value:
        if isinstance(node, ast.Name):
            return self._lookup(node.id, frame)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or node.value is None or isinstance(node.value, str):
                return ConstVal(node.value)
            if node.value is Ellipsis:
                return ScalarVal(None)
            if isinstance(node.value, (int, float, complex)):
                return ScalarVal(node.value if not isinstance(node.value, complex) else None)
            return UNKNOWN
        if isinstance(node, ast.Attribute):
            return self._attribute(node, frame)
        if isinstance(node, ast.Call):
            return self._call(node, frame)
        if isinstance(node, ast.BinOp):
            left = self._eval(node.left, frame)
            right = self._eval(node.right, frame)
            name = _OPERATORS.get(type(node.op))
            if name is None:
                return UNKNOWN
            return self.binary(name, left, right, node.left, node.right, node, frame)
        if isinstance(node, ast.UnaryOp):
            operand = self._eval(node.operand, frame)
            if isinstance(operand, TensorVal | DTensorVal):
                dunder = {ast.USub: "__neg__", ast.UAdd: "__pos__", ast.Invert: "__invert__"}.get(
                    type(node.op)
                )
                if dunder is None:
                    return UNKNOWN
                return self.op(f"Tensor.{dunder}", [(operand, node.operand)], {}, node, frame)
            if isinstance(operand, SymbolicVal) and not isinstance(node.op, ast.Not):
                return ops.derived(operand, type(node.op).__name__)
            if isinstance(operand, TypedScalarVal) and isinstance(node.op, (ast.USub, ast.UAdd)):
                return scalars.signed(self, operand)
            if isinstance(operand, ScalarVal) and not isinstance(node.op, ast.Not):
                if isinstance(node.op, ast.USub) and operand.value is not None:
                    return ScalarVal(-operand.value)
                return ScalarVal(operand.value if isinstance(node.op, ast.UAdd) else None)
            return UNKNOWN
        if isinstance(node, ast.Compare):
            left = self._eval(node.left, frame)
            result: Value = UNKNOWN
            known: bool | None = True
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                right = self._eval(comparator, frame)
                name = _COMPARE.get(type(op))
                if name is not None and (
                    isinstance(left, TensorVal) or isinstance(right, TensorVal)
                ):
                    result = self.binary(name, left, right, node.left, comparator, node, frame)
                    known = None
                elif known is not None:
                    outcome = _compare_constants(op, left, right)
                    known = None if outcome is None else known and outcome
                left = right
            return ConstVal(known) if known is not None else result
        if isinstance(node, ast.BoolOp):
            values = [self._eval(v, frame) for v in node.values]
            truths = [_truth(v) for v in values]
            if all(t is not None for t in truths):
                combine = all if isinstance(node.op, ast.And) else any
                return ConstVal(combine(truths))
            return values[0] if len(set(map(id, values))) == 1 else UNKNOWN
        if isinstance(node, ast.Subscript):
            return self._subscript(node, frame)
        if isinstance(node, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                for e in node.elts:
                    self._eval(e.value if isinstance(e, ast.Starred) else e, frame)
                return UNKNOWN
            return TupleVal(tuple(self._eval(e, frame) for e in node.elts))
        if isinstance(node, ast.Dict):
            return self._dict(node, frame)
        if isinstance(node, ast.IfExp):
            taken = _truth(self._eval(node.test, frame))
            if taken is not None:
                return self._eval(node.body if taken else node.orelse, frame)
            return self._either(node, frame)
        if isinstance(node, ast.NamedExpr):
            value = self._eval(node.value, frame)
            self._assign(node.target, value, frame)
            return value
        if isinstance(node, ast.JoinedStr):
            return UNKNOWN
        if isinstance(node, ast.Starred):
            self._eval(node.value, frame)
            return UNKNOWN
        if isinstance(node, ast.Await):
            self._eval(node.value, frame)
            return UNKNOWN
        if isinstance(node, ast.Set):
            return self._set(node, frame)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self._comprehension(node, frame)
        if isinstance(node, ast.Slice):
            for part in (node.lower, node.upper, node.step):
                if part is not None:
                    self._eval(part, frame)
            return ScalarVal(None)  # an index, never a tensor
        # lambdas, dict comprehensions, yields: not analysed
        return UNKNOWN

    def _set(self, node: ast.Set, frame: Frame) -> Value:
        """``{a, b}``: its distinct elements, as a sequence (what a set is used for here:
        membership, set_current_mesh's axes)."""
        if any(isinstance(e, ast.Starred) for e in node.elts):
            for e in node.elts:
                self._eval(e.value if isinstance(e, ast.Starred) else e, frame)
            return UNKNOWN
        return _distinct([self._eval(e, frame) for e in node.elts])

    def _either(self, node: ast.IfExp, frame: Frame) -> Value:
        """``a if c else b`` on a condition the code does not fix: each side on its own path;
        the value holds on both (an error both sides raise stops the path)."""
        body = frame.child(frame.env)
        value = self._eval(node.body, body)
        orelse = frame.child(frame.env)
        other = self._eval(node.orelse, orelse)
        if body.raised and orelse.raised:
            frame.stop()
            return UNKNOWN
        if body.raised or orelse.raised:
            kept = orelse if body.raised else body
            frame.bindings = kept.bindings
            return other if body.raised else value
        frame.bindings = body.bindings.join(orelse.bindings)
        return join(value, other, body.bindings, orelse.bindings)

    def _comprehension(
        self, node: ast.ListComp | ast.GeneratorExp | ast.SetComp, frame: Frame
    ) -> Value:
        """``[f(t) for t in xs]``: per element over short literal sequences (nested ``for``
        clauses too, filtered by conditions the code fixes), else one element type for all."""
        scope = frame.child(dict(frame.env))
        first = self._eval(node.generators[0].iter, frame)  # read once, whichever way it goes
        items = self._enumerate(node.generators, node.elt, scope, first)
        if items is not None:
            return _distinct(items) if isinstance(node, ast.SetComp) else TupleVal(tuple(items))
        if len(node.generators) != 1 or node.generators[0].is_async:
            return UNKNOWN
        generator = node.generators[0]
        self._assign(generator.target, self._element_of(first), scope)
        for condition in generator.ifs:
            self._eval(condition, scope)
        result = self._eval(node.elt, scope)
        if isinstance(node, ast.SetComp):
            return UNKNOWN
        return TensorSeqVal(result) if isinstance(result, TensorVal) else UNKNOWN

    def _enumerate(
        self,
        generators: Sequence[ast.comprehension],
        elt: ast.expr,
        scope: Frame,
        iterable: Value | None = None,
    ) -> list[Value] | None:
        """Every element of a comprehension whose ``for`` clauses all run over short literal
        sequences and whose conditions the code fixes; None when one does not. ``iterable``:
        the first clause's sequence, when read already."""
        if not generators:
            return [self._eval(elt, scope)]
        generator, rest = generators[0], generators[1:]
        if iterable is None:
            iterable = self._eval(generator.iter, scope)
        if (
            generator.is_async
            or not isinstance(iterable, TupleVal)
            or len(iterable.items) > COLLECTION_LIMIT
        ):
            return None
        items: list[Value] = []
        for item in iterable.items:
            self._assign(generator.target, item, scope)
            truths = [_truth(self._eval(condition, scope)) for condition in generator.ifs]
            if any(truth is None for truth in truths):
                return None
            if not all(truths):
                continue
            inner = self._enumerate(rest, elt, scope)
            if inner is None or len(items) + len(inner) > COLLECTION_LIMIT:
                return None
            items.extend(inner)
        return items

    def _lookup(self, name: str, frame: Frame) -> Value:
        if name in frame.env:
            return frame.env[name]
        function = frame.function
        if function is not None and function.closure is not None and name in function.closure:
            return function.closure[name]
        if name in frame.globals:
            return frame.globals[name]
        if name == "reveal_type":
            return RefVal("reveal_type")
        if name in _BUILTINS:
            return RefVal(name)
        return UNKNOWN

    def _ref(self, qualname: str) -> Value:
        name = canonical(qualname)
        if name in TYPE_NAMES:
            return TypeVal(TYPE_NAMES[name])
        return RefVal(qualname)

    def _import(self, module: str) -> ModuleVal | None:
        if self.loader is None or not module:
            return None
        first = new_serial()
        loaded = self.loader.load(self.path, module)
        self.write_log.loaded(first, new_serial())
        if loaded is not None:
            self.imported[loaded.path] = loaded.fingerprint
        return loaded

    def _import_from(self, module: str, name: str) -> Value | None:
        """``from module import name``: an attribute of a workspace module, or its submodule."""
        loaded = self._import(module)
        if loaded is None:
            return None
        if name in loaded.globals:
            return loaded.globals[name]
        return self._import(f"{module}.{name}") or UNKNOWN

    def _attribute(self, node: ast.Attribute, frame: Frame) -> Value:
        key = self._attr_key(node)
        if key is not None and key in frame.env:
            return frame.env[key]
        owner = self._eval(node.value, frame)
        if isinstance(owner, RefVal):
            return self._ref(f"{owner.qualname}.{node.attr}")
        if isinstance(owner, SymbolicVal):
            return self._symbolic_attribute(owner, node, frame)
        if isinstance(owner, ModuleVal):
            return self._import_from(owner.name, node.attr) or UNKNOWN
        if isinstance(owner, TensorVal):
            return self._tensor_attribute(owner, node, frame)
        if isinstance(owner, DTensorVal):
            return dtensor_api.attribute(owner, node.attr)
        if isinstance(owner, InstanceVal):
            if node.attr in owner.attributes:
                return owner.attributes[node.attr]
            if owner.cls.method(node.attr) is not None:
                return BoundMethodVal(owner, node.attr)
            found = owner.cls.attribute(node.attr)
            if found is None and node.attr in autograd_api.MODULE_HOOKS:
                return BoundMethodVal(owner, node.attr)  # nn.Module's, attaching a hook
            if found is None and node.attr == "enterContext" and owner.cls.testcase:
                return BoundMethodVal(owner, node.attr)  # unittest's, entering a context
            return found if found is not None else UNKNOWN
        if isinstance(owner, ClassVal):
            if owner.autograd and node.attr == "apply":
                return BoundMethodVal(owner, "apply")
            method = owner.method(node.attr)
            if method is not None:
                # a classmethod gets its class; anything else is the plain function
                return BoundMethodVal(owner, node.attr) if entry.is_classmethod(method) else method
            found = owner.attribute(node.attr)
            return found if found is not None else UNKNOWN
        if isinstance(owner, (MeshVal, AxisVal, ContextVal)):
            return BoundMethodVal(owner, node.attr)
        if (
            isinstance(owner, ConstVal)
            and node.attr in ("value", "name")
            and isinstance(owner.value, str)
        ):
            return owner  # an enum member's value: class attributes are kept as their values
        return UNKNOWN

    def _tensor_attribute(self, owner: TensorVal, node: ast.Attribute, frame: Frame) -> Value:
        name = f"Tensor.{node.attr}"
        if node.attr in optable.PASSTHROUGH_PROPERTIES:
            if node.attr == "requires_grad" and owner.grad is not None:
                return ConstVal(owner.grad)
            if node.attr == "shape":
                return ShapeVal(owner.ndim)
            if node.attr == "ndim":
                return ScalarVal(owner.ndim)
            if node.attr in ("dtype", "device", "layout", "is_cuda"):
                return ScalarVal(None)  # metadata, never a tensor
            return UNKNOWN
        if name in optable.OPS and node.attr in ("T", "mT", "H", "mH", "real", "imag"):
            return self.op(name, [(owner, node.value)], {}, node, frame)
        return BoundMethodVal(owner, node.attr)

    def _symbolic_attribute(self, owner: SymbolicVal, node: ast.Attribute, frame: Frame) -> Value:
        """An attribute of what the caller passes: a tensor's property or method, a mesh's
        or group's method, else another value the caller supplies (``cfg.tp_group``)."""
        attr = node.attr
        if owner.tensor is not False and (
            attr in optable.PASSTHROUGH_PROPERTIES or attr in ("T", "mT", "H", "mH")
        ):
            tensor = ops.as_tensor(owner, self.numbers)
            if tensor is not None:
                return self._tensor_attribute(tensor, node, frame)
        if attr in _GROUP_METHODS or attr == "get_group" or _is_tensor_method(attr):
            return BoundMethodVal(owner, attr)
        # shown as the attribute (cfg.tp_group reads "tp_group")
        return SymbolicVal(Root(f"{owner.root.key}.{attr}", attr))

    def _subscript(self, node: ast.Subscript, frame: Frame) -> Value:
        container = self._eval(node.value, frame)
        index = self._eval(node.slice, frame)
        if isinstance(container, MeshVal):
            return mesh_api.index(self, container, index, node, frame)
        if isinstance(container, SymbolicVal):
            if isinstance(index, ConstVal) and isinstance(index.value, str):
                return AxisVal(index.value, "submesh")  # mesh["tp"]: axis tp, whatever the mesh
            tensor = ops.as_tensor(container, self.numbers)
            if tensor is None:
                return UNKNOWN
            container = tensor
        if isinstance(container, TensorVal):
            return self.op(
                "Tensor.__getitem__",
                [(container, node.value), (index, node.slice)],
                {},
                node,
                frame,
            )
        if isinstance(container, TensorSeqVal):
            return container.element
        if isinstance(container, TupleVal):
            if (
                isinstance(index, ScalarVal)
                and isinstance(index.value, int)
                and -len(container.items) <= index.value < len(container.items)
            ):
                return container.items[index.value]
            bounds = _literal_slice(node.slice)
            if bounds is not None:
                return TupleVal(container.items[bounds[0] : bounds[1]])
            return UNKNOWN
        if isinstance(container, ShapeVal):
            return ScalarVal(None) if not isinstance(node.slice, ast.Slice) else ShapeVal(None)
        return UNKNOWN

    def _dict(self, node: ast.Dict, frame: Frame) -> Value:
        """``{axis: type, **other}``: a type dict as Python builds it (a later equal key
        replaces an earlier one: the same group passed twice is one key)."""
        entries: dict[AxisVal, frozenset[AxisType]] = {}
        known = True
        rest = None
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            value = self._eval(value_node, frame)
            if key_node is None:  # {**other}
                if isinstance(value, TypeDictVal):
                    entries.update(value.entries())
                    rest = value.rest if value.rest is not None else rest
                else:
                    known = False
                continue
            key = self.axis(self._eval(key_node, frame), key_node, frame, resolve=False)
            options = type_options(value)
            if isinstance(key, AxisVal) and options is not None:
                entries.pop(key, None)  # the key moves to its new place, as in a dict
                entries[key] = options
            else:
                known = False
        if not known:
            return UNKNOWN
        return type_dict(entries, rest)

    def axis(self, value: Value, node: ast.AST | None, frame: Frame, resolve: bool = True) -> Value:
        """An axis argument as an AxisVal. A name is checked against the current mesh when it
        is resolved (by the call that uses it, not by the dict that holds it)."""
        if isinstance(value, AxisVal):
            if resolve and value.spelling == "name":
                return self.axis(ConstVal(value.name), node, frame)
            return value
        if isinstance(value, SymbolicVal):
            # a process group the checker cannot name: an axis of its own, shown as spelled
            return AxisVal(axes.symbolic(value.root.label, value.root.key), "group")
        if isinstance(value, ConstVal) and isinstance(value.value, str):
            name = value.value
            if not resolve:
                return AxisVal(name, "name")
            state = self.state  # names resolve against the current mesh, checking on or off
            if state.mesh_known and state.mesh is None and node is not None:
                self.sink.report(
                    frame.unit.span(node),
                    codes.NO_CURRENT_MESH,
                    codes.NO_CURRENT_MESH.message(name=name),
                    Severity.ERROR,
                    call_site_of(frame),
                )
                return UNKNOWN
            if state.mesh_known and name in state.trivial:
                return AxisVal(name, "name", trivial=True)  # a size-1 dim: accepted, dropped
            if (
                state.mesh_known
                and state.mesh is not None
                and (name not in state.mesh or not state.named)
                and node is not None
            ):
                names = sorted([*state.mesh, *state.trivial]) if state.named else []
                available = ", ".join(names) or "(no named axes)"
                self.sink.report(
                    frame.unit.span(node),
                    codes.UNKNOWN_AXIS,
                    codes.UNKNOWN_AXIS.message(name=name, available=available),
                    Severity.ERROR,
                    call_site_of(frame),
                )
                return UNKNOWN
            return AxisVal(name, "name")
        return UNKNOWN

    # ------------------------------------------------------------ calls
    def _call(self, node: ast.Call, frame: Frame) -> Value:
        writes = self.write_log.count
        result = self._call_inner(node, frame)
        if self.write_log.count != writes:
            written = {id(owner) for owner in self.write_log.owners_since(writes)}
            self._forget_written(frame, written)
        return result

    def _forget_written(self, frame: Frame, written: set[int]) -> None:
        """A call wrote attributes of objects this frame knows an attribute of (``h.t``, by
        name, set on this path): the object now holds what the call wrote."""
        for key in [k for k in frame.env if "." in k]:
            owner = self._lookup(key.partition(".")[0], frame)
            if id(owner) in written:
                del frame.env[key]

    def _call_inner(self, node: ast.Call, frame: Frame) -> Value:
        callee = self._eval(node.func, frame)
        args = [self._eval(a, frame) for a in node.args]
        kwargs: dict[str, Value] = {}
        kw_nodes: dict[str, ast.expr] = {}
        has_star_kwargs = False
        for keyword in node.keywords:
            value = self._eval(keyword.value, frame)
            if keyword.arg is None:
                has_star_kwargs = True
            else:
                kwargs[keyword.arg] = value
                kw_nodes[keyword.arg] = keyword.value
        has_star = any(isinstance(a, ast.Starred) for a in node.args) or has_star_kwargs
        if isinstance(callee, RefVal):
            name = canonical(callee.qualname)
            mesh_api.passed(self, name, [*args, *kwargs.values()])
            if has_star and name not in ("spmd.assert_type",):
                self._escape(node, [*args, *kwargs.values()], frame)
                return UNKNOWN
            if (
                not name.startswith(("torch.", "spmd.", "Tensor."))
                and name not in _BUILTINS
                and name not in _KNOWN_CALLS
            ):
                self._escape(node, [*args, *kwargs.values()], frame)
            return self._call_ref(name, node, args, kwargs, kw_nodes, frame)
        if (
            has_star
            or callee is UNKNOWN
            or isinstance(callee, SymbolicVal)
            or (isinstance(callee, FunctionVal) and callee.opaque)
        ):
            self._escape(node, [*args, *kwargs.values()], frame)
            return UNKNOWN
        if isinstance(callee, FunctionVal):
            return self._call_function(callee, args, kwargs, node, frame)
        if isinstance(callee, ContractVal):
            if len(args) == 1 and isinstance(args[0], FunctionVal) and not kwargs:
                return replace(args[0], contract=callee, unchecked=callee.unchecked)
            return UNKNOWN
        if isinstance(callee, RegistrarVal):
            if len(args) == 1 and isinstance(args[0], FunctionVal) and not kwargs:
                autograd_api.register_decomposition(callee.cls, args[0])
                return args[0]
            return UNKNOWN
        if isinstance(callee, ClassVal):
            return self._instantiate(callee, args, kwargs, node, frame)
        if isinstance(callee, InstanceVal):
            # a module's backward hooks are checked around its forward
            if not autograd_api.check_module_hooks(self, callee, False, node, frame):
                return UNKNOWN
            forward = callee.cls.method("forward") or callee.cls.method("__call__")
            if forward is not None:
                result = self._call_function(forward, [callee, *args], kwargs, node, frame)
            else:
                result = nn_modules.call(self, callee, node, args, kwargs, frame)
            if frame.raised or not autograd_api.check_module_hooks(self, callee, True, node, frame):
                return UNKNOWN
            return result
        if isinstance(callee, BoundMethodVal):
            receiver = callee.receiver
            if isinstance(receiver, TensorVal):
                return self._tensor_method(
                    callee.name, receiver, node, args, kwargs, kw_nodes, frame
                )
            if isinstance(receiver, DTensorVal):
                name = f"DTensor.{callee.name}"
                context = CallContext(self, name, node, args, kwargs, kw_nodes, frame)
                return dtensor_api.method(context, receiver)
            if isinstance(receiver, InstanceVal):
                method = receiver.cls.method(callee.name)
                if method is None and callee.name in autograd_api.MODULE_HOOKS and args:
                    return autograd_api.attach_hook(
                        self, receiver, callee.name, args[0], node, frame
                    )
                if method is None and callee.name in _REGISTERS and len(args) >= 2:
                    # nn.Module.register_buffer / register_parameter: an attribute
                    attribute = args[0]
                    if isinstance(attribute, ConstVal) and isinstance(attribute.value, str):
                        self.write_log.write(receiver)
                        receiver.attributes[attribute.value] = args[1]
                        return ConstVal(None)
                if (
                    method is None
                    and callee.name == "enterContext"
                    and len(args) == 1
                    and isinstance(args[0], ContextVal)
                ):
                    # unittest's TestCase.enterContext: entered now, exited at the cleanup
                    self._enter_explicitly(args[0], entering=True)
                    return UNKNOWN
                if method is None:
                    self._escape(node, [receiver, *args, *kwargs.values()], frame)
                    return UNKNOWN
                bound: Value = receiver.cls if entry.is_classmethod(method) else receiver
                return self._call_function(method, [bound, *args], kwargs, node, frame)
            if isinstance(receiver, ClassVal) and callee.name == "apply":
                return autograd_api.apply(self, receiver, node, args, frame)
            if isinstance(receiver, ClassVal):
                method = receiver.method(callee.name)
                if method is not None:
                    return self._call_function(method, [receiver, *args], kwargs, node, frame)
            if isinstance(receiver, ContextVal) and callee.name in ("__enter__", "__exit__"):
                self._enter_explicitly(receiver, entering=callee.name == "__enter__")
                return UNKNOWN
            if (
                isinstance(receiver, ContextVal)
                and receiver.kind is ContextKind.LOCAL_TENSOR
                and callee.name == "rank_map"
            ):
                return self._rank_map(node, frame)
            if isinstance(receiver, SymbolicVal):
                return self._symbolic_method(
                    receiver, callee.name, node, args, kwargs, kw_nodes, frame
                )
            if isinstance(receiver, AxisVal) and callee.name in ("size", "rank", "get_rank"):
                return ScalarVal(None)
            if isinstance(receiver, AxisVal) and callee.name == "get_group" and not args:
                return receiver  # mesh["tp"].get_group()
            if isinstance(receiver, MeshVal):
                return mesh_api.method(self, receiver, callee.name, args, kwargs, node, frame)
        return UNKNOWN

    def _rank_map(self, node: ast.Call, frame: Frame) -> Value:
        """``LocalTensorMode.rank_map(cb)``: a new tensor of each rank's data, typed on no
        axis when made outside ``typecheck()`` (inside, what ``cb``'s ops give is not
        followed: a tensor of unknown type). Its shape and requires_grad are ``cb``'s."""
        span = frame.unit.span(node)
        origin = Origin(span, "`rank_map(...)`: a new tensor, untyped", None, frame.unit.path)
        if self.state.checking:
            return TensorVal(UNKNOWN_TYPE, None, origin)
        return TensorVal(TensorType({}, EXACT), None, origin, spec=NO_SPEC)

    def _symbolic_method(
        self,
        receiver: SymbolicVal,
        method: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        kw_nodes: dict[str, ast.expr],
        frame: Frame,
    ) -> Value:
        """A method of what the caller passes: a mesh's ``get_group("tp")`` names axis tp
        whatever the mesh is; a group's size or rank is a number; a tensor method types
        the receiver as a tensor."""
        if method == "get_group":
            name = args[0] if args else kwargs.get("mesh_dim", UNKNOWN)
            if isinstance(name, ConstVal) and isinstance(name.value, str):
                return AxisVal(name.value, "group")
            return self.axis(receiver, node.func, frame) if not args and not kwargs else UNKNOWN
        if method in ("size", "stride") and not args and not kwargs:
            return ShapeVal(None)
        if method in _GROUP_METHODS:
            return ScalarVal(None)
        tensor = ops.as_tensor(receiver, self.numbers)
        if tensor is None:
            self._escape(node, [*args, *kwargs.values()], frame)
            return UNKNOWN
        return self._tensor_method(method, tensor, node, args, kwargs, kw_nodes, frame)

    def _escape(self, node: ast.Call, values: list[Value], frame: Frame) -> None:
        """Values handed to code the checker cannot see may be annotated there: an untyped
        tensor argument, and the untyped tensors an object holds, become Unknown. (Typed
        tensors keep their type: the runtime only refines a type it already has.)"""
        for arg_node in [*node.args, *(k.value for k in node.keywords)]:
            target = arg_node.value if isinstance(arg_node, ast.Starred) else arg_node
            if isinstance(target, (ast.Name, ast.Attribute)):
                value = self._peek(target, frame)
                if isinstance(value, TensorVal) and value.type == UNTYPED:
                    self.mutate(
                        target, TensorVal(UNKNOWN_TYPE, value.grad, value.origin, value.ndim), frame
                    )
        seen: set[int] = set()
        for value in values:
            self._havoc(value, seen)
        func = node.func
        if isinstance(func, ast.Attribute):
            self._havoc(self._peek(func.value, frame), seen)

    def _peek(self, node: ast.AST, frame: Frame) -> Value:
        """A name's or attribute's current value, without recording anything."""
        if isinstance(node, ast.Name):
            return self._lookup(node.id, frame)
        if isinstance(node, ast.Attribute):
            key = self._attr_key(node)
            if key is not None and key in frame.env:
                return frame.env[key]
            owner = self._peek(node.value, frame)
            if isinstance(owner, InstanceVal):
                return owner.attributes.get(node.attr, UNKNOWN)
        return UNKNOWN

    def _havoc(self, value: Value, seen: set[int]) -> None:
        if isinstance(value, MeshVal) and value.root is not None:
            self.algebra.escaped(value.root)  # code the checker cannot see may flatten it
        if isinstance(value, InstanceVal) and id(value) not in seen:
            seen.add(id(value))
            for name, attribute in list(value.attributes.items()):
                if isinstance(attribute, TensorVal) and attribute.type == UNTYPED:
                    self.write_log.write(value)
                    value.attributes[name] = TensorVal(
                        UNKNOWN_TYPE, attribute.grad, attribute.origin, attribute.ndim
                    )
                else:
                    self._havoc(attribute, seen)
        elif isinstance(value, TupleVal):
            for item in value.items:
                self._havoc(item, seen)

    def _call_ref(
        self,
        name: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        kw_nodes: dict[str, ast.expr],
        frame: Frame,
    ) -> Value:
        """A call of an outside name: with a DTensor argument, what DTensor does (unchecked);
        else its handler (spmd_types, meshes, torch and Python, torch.distributed, DTensor),
        else the op table's rule for a torch function or Tensor method."""
        dtensor = dtensors.among([*args, *kwargs.values()])
        if dtensor is not None:  # the runtime does not check calls of DTensors
            context = CallContext(self, name, node, args, kwargs, kw_nodes, frame)
            result = dtensor_api.call_with_dtensor(context, dtensor)
            if result is not None:
                return result
        handler = _HANDLERS.get(name)
        if handler is not None:
            return handler(CallContext(self, name, node, args, kwargs, kw_nodes, frame))
        if name.startswith("torch.") and not name.startswith(_NOT_OP_PREFIXES):
            if name in optable.NOT_OPS or (
                name.startswith("torch.nn.") and not name.startswith("torch.nn.functional")
            ):
                return UNKNOWN
            positional = list(zip(args, node.args, strict=True))
            keyword = {k: (v, kw_nodes[k]) for k, v in kwargs.items()}
            return self.op(name, positional, keyword, node, frame)
        if name.startswith("Tensor."):
            positional = list(zip(args, node.args, strict=True))
            keyword = {k: (v, kw_nodes[k]) for k, v in kwargs.items()}
            if positional and isinstance(positional[0][0], TensorVal):
                return self.op(name, positional, keyword, node, frame)
            return UNKNOWN
        return UNKNOWN

    def _tensor_method(
        self,
        method: str,
        receiver: TensorVal,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        kw_nodes: dict[str, ast.expr],
        frame: Frame,
    ) -> Value:
        func = node.func
        receiver_node = func.value if isinstance(func, ast.Attribute) else func
        if method in optable.PASSTHROUGH_METHODS:
            if method == "requires_grad_":
                flag = args[0] if args else kwargs.get("requires_grad", ConstVal(True))
                grad = (
                    flag.value
                    if isinstance(flag, ConstVal) and isinstance(flag.value, bool)
                    else None
                )
                updated = TensorVal(receiver.type, grad, receiver.origin, receiver.ndim)
                self.mutate(receiver_node, updated, frame)
                return updated
            if method in ("size", "stride") and not args and not kwargs:
                return ShapeVal(receiver.ndim)
            if method in (
                "size",
                "dim",
                "numel",
                "nelement",
                "ndimension",
                "stride",
                "element_size",
                "__len__",
            ):
                return ScalarVal(receiver.ndim if method in ("dim", "ndimension") else None)
            return UNKNOWN
        if method == "backward":
            spmd_api.backward(self, receiver, receiver_node, args, kwargs, frame)
            return ConstVal(None)
        if method == "tolist":
            return UNKNOWN
        positional = [(receiver, receiver_node), *zip(args, node.args, strict=True)]
        keyword = {k: (v, kw_nodes[k]) for k, v in kwargs.items()}
        result = self.op(f"Tensor.{method}", positional, keyword, node, frame)
        if method in _PYTHON_RESULTS:
            return (
                ScalarVal(None) if isinstance(result, TensorVal) else UNKNOWN
            )  # checked, then a number
        if optable.is_inplace(method):
            self.mutate(receiver_node, result if isinstance(result, TensorVal) else UNKNOWN, frame)
        return result

    # ------------------------------------------------------------ the ops
    def op(self, name: str, args: OpArgs, kwargs: OpKwargs, node: ast.AST, frame: Frame) -> Value:
        return ops.apply(self, name, args, kwargs, node, frame)

    def binary(
        self,
        name: str,
        left: Value,
        right: Value,
        left_node: ast.AST,
        right_node: ast.AST,
        node: ast.AST,
        frame: Frame,
    ) -> Value:
        return ops.binary(self, name, left, right, left_node, right_node, node, frame)


def _def_line(function: FunctionVal) -> Span:
    """Where to report on a function as a whole: its name on the ``def`` line."""
    node = function.node
    line = function.unit.span(node).line  # ast puts a decorated def at its ``def`` line
    text = (
        function.unit.lines[line - function.unit.start_line]
        if line - function.unit.start_line < len(function.unit.lines)
        else ""
    )
    column = max(text.find(node.name), 0)
    return Span(line, column, line, column + len(node.name))


def _axis_sizes(mesh: MeshVal, state: State) -> tuple[tuple[str, int], ...]:
    """The literal sizes of a mesh's axes: from its rank layouts, else (a region re-using
    the current mesh) the current ones."""
    if mesh.layouts:
        return tuple((name, layout.size) for name, layout in mesh.layouts)
    return state.axis_sizes if mesh.axes == state.mesh else ()


def _join_paths(paths: list[Frame]) -> Frame:
    """Where paths meet: each name has the value that holds on every path (read through
    that path's bindings), and the bindings allow what any path allows."""
    first = paths[0]
    if len(paths) == 1:
        return first.child(dict(first.env))
    rest = paths[1:]
    # each later path's values join what the paths before it allow (the same for every
    # name: joined once, not once a name)
    allowed = [first.bindings]
    for path in rest[:-1]:
        allowed.append(allowed[-1].join(path.bindings))
    keys: set[str] = set()
    for path in paths:
        keys.update(path.env)
    merged: dict[str, Value] = {}
    for key in keys:
        value: Value = first.env.get(key, UNKNOWN)
        for path, bindings in zip(rest, allowed, strict=True):
            other = path.env.get(key, UNKNOWN)
            if other is not value:  # join(v, v) is v: most names are the same on every path
                value = join(value, other, bindings, path.bindings)
        merged[key] = value
    joined = first.child(merged)
    joined.bindings = allowed[-1].join(rest[-1].bindings)
    return joined


def _adopt(frame: Frame, path: Frame) -> None:
    """Continue a frame from where a joined path ends."""
    frame.env.clear()
    frame.env.update(path.env)
    frame.bindings = path.bindings


def _truth(value: Value) -> bool | None:
    """Whether a condition holds, when the code fixes it (a literal, a flag set from one)."""
    if isinstance(value, ConstVal):
        return bool(value.value)
    if isinstance(value, ScalarVal) and value.value is not None:
        return bool(value.value)
    return None


def _compare_constants(op: ast.cmpop, left: Value, right: Value) -> bool | None:
    """A comparison of two values the code fixes (``activation == "gelu"``, ``x is None``,
    ``(src, dst) in accepted`` over a literal collection of types)."""
    if isinstance(op, (ast.Is, ast.IsNot)) and _none_or_not(left, right) is not None:
        same = _none_or_not(left, right)
        return same if isinstance(op, ast.Is) else not same
    if isinstance(op, (ast.In, ast.NotIn)):
        member = _member(left, right)
        return None if member is None else member == isinstance(op, ast.In)
    if isinstance(left, (TypeVal, TupleVal)) or isinstance(right, (TypeVal, TupleVal)):
        same = _equal(left, right)
        if same is None or not isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
            return None
        if isinstance(op, (ast.Is, ast.IsNot)) and not _singleton(left, right):
            return None  # equal tuples, or two S(i) made apart, need not be one object
        return same if isinstance(op, (ast.Eq, ast.Is)) else not same
    constants = (ConstVal, ScalarVal)
    if not isinstance(left, constants) or not isinstance(right, constants):
        return None
    a, b = left.value, right.value
    if (isinstance(left, ScalarVal) and a is None) or (isinstance(right, ScalarVal) and b is None):
        return None  # a number whose value is not known
    if isinstance(op, (ast.Eq, ast.Is)):
        return bool(a == b)
    if isinstance(op, (ast.NotEq, ast.IsNot)):
        return bool(a != b)
    return None


def _equal(a: Value, b: Value) -> bool | None:
    """Whether two values the code fixes are equal (types, strings, numbers, tuples of them);
    None when the checker cannot tell."""
    if isinstance(a, TypeVal) and isinstance(b, TypeVal):
        return a.type == b.type
    if isinstance(a, TupleVal) and isinstance(b, TupleVal):
        if len(a.items) != len(b.items):
            return False
        verdicts = [_equal(x, y) for x, y in zip(a.items, b.items, strict=True)]
        if False in verdicts:
            return False
        return None if None in verdicts else True
    known = (TypeVal, TupleVal, ConstVal)
    if isinstance(a, known) and isinstance(b, known) and type(a) is not type(b):
        return False  # a type is never a tuple or a str, bool or None
    if isinstance(a, ConstVal) and isinstance(b, ConstVal):
        return a.value == b.value
    return None


def _singleton(a: Value, b: Value) -> bool:
    """Whether ``a is b`` means ``a == b``: R, I, V and P are single objects; S(i) is made
    anew by each call."""
    return any(isinstance(v, TypeVal) and v.type.shard_dim is None for v in (a, b))


def _member(item: Value, collection: Value) -> bool | None:
    """``item in collection`` for a literal collection; None when the checker cannot tell."""
    if not isinstance(collection, TupleVal):
        return None
    verdicts = [_equal(item, element) for element in collection.items]
    if True in verdicts:
        return True
    return False if all(v is False for v in verdicts) else None


def _distinct(items: Sequence[Value]) -> TupleVal:
    """The items without repeats, where the checker can tell two are equal."""
    kept: list[Value] = []
    for item in items:
        if not any(_equal(item, other) is True for other in kept):
            kept.append(item)
    return TupleVal(tuple(kept))


def _none_or_not(left: Value, right: Value) -> bool | None:
    """``a is None``: whether the value is None, when one side is None and the other is a
    value that certainly is or is not None (a tensor, an object, a number)."""
    for value, other in ((left, right), (right, left)):
        if isinstance(other, ConstVal) and other.value is None:
            if isinstance(value, ConstVal):
                return value.value is None
            if isinstance(value, (TensorVal, TensorSeqVal, InstanceVal, ScalarVal, TupleVal)):
                return False
    return None


def _loop_sources(stmt: ast.For | ast.AsyncFor, count: int) -> list[ast.expr] | None:
    """The element expressions of a loop whose body never rebinds the loop variable (it may
    only change it in place) over a literal tuple or list of names and attributes, or over
    the ``count`` elements of a list a name holds (``outs``, ``outs[1:]``: ``outs[i]``);
    None otherwise."""
    if not isinstance(stmt.target, ast.Name) or _rebinds(stmt, stmt.target.id):
        return None
    if isinstance(stmt.iter, (ast.Tuple, ast.List)):
        if not all(isinstance(e, (ast.Name, ast.Attribute)) for e in stmt.iter.elts):
            return None
        return list(stmt.iter.elts)
    base = _loop_base(stmt)
    if base is None:
        return None
    container, start = base
    return [
        ast.copy_location(ast.Subscript(container, ast.Constant(start + i), ast.Load()), stmt.iter)
        for i in range(count)
    ]


def _loop_base(stmt: ast.For | ast.AsyncFor) -> tuple[ast.Name | ast.Attribute, int] | None:
    """The list a loop runs over when a name or attribute holds it, and the index of its
    first element the loop sees (``outs[2:]``: 2), when the body never rebinds the loop
    variable."""
    iterable = stmt.iter
    start = 0
    if isinstance(iterable, ast.Subscript):
        bounds = _literal_slice(iterable.slice)
        if bounds is None or (bounds[0] or 0) < 0:
            return None
        start = bounds[0] or 0
        iterable = iterable.value
    if not isinstance(iterable, (ast.Name, ast.Attribute)):
        return None
    if not isinstance(stmt.target, ast.Name) or _rebinds(stmt, stmt.target.id):
        return None
    if isinstance(iterable, ast.Name) and _rebinds(stmt, iterable.id):
        return None  # the body makes the name hold another list
    return iterable, start


def _literal_slice(node: ast.expr) -> tuple[int | None, int | None] | None:
    """``a:b`` with literal (or omitted) bounds and no step."""
    if not isinstance(node, ast.Slice) or node.step is not None:
        return None
    bounds: list[int | None] = []
    for part in (node.lower, node.upper):
        if part is None:
            bounds.append(None)
        elif isinstance(part, ast.Constant) and type(part.value) is int:
            bounds.append(part.value)
        elif (
            isinstance(part, ast.UnaryOp)
            and isinstance(part.op, ast.USub)
            and isinstance(part.operand, ast.Constant)
            and type(part.operand.value) is int
        ):
            bounds.append(-part.operand.value)
        else:
            return None
    return bounds[0], bounds[1]


def _with_element(container: TupleVal | TensorSeqVal, index: Value, value: Value) -> Value:
    """A list with one element replaced (an unknown index: any element may be the one)."""
    if isinstance(container, TensorSeqVal):
        element = join(container.element, value)
        return TensorSeqVal(element) if isinstance(element, TensorVal) else UNKNOWN
    items = list(container.items)
    if (
        isinstance(index, ScalarVal)
        and isinstance(index.value, int)
        and -len(items) <= index.value < len(items)
    ):
        items[index.value] = value
        return TupleVal(tuple(items))
    return TupleVal(tuple(join(item, value) for item in items))


def _rebinds(stmt: ast.For | ast.AsyncFor, name: str) -> bool:
    """Whether the loop's body assigns the name (rather than changing its object in place)."""
    for node in ast.walk(ast.Module(body=stmt.body, type_ignores=[])):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr)):
            targets = [node.target]
        for target in targets:
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target)):
                return True
    return False


@dataclass(frozen=True, slots=True)
class _Marks:
    """How far the interpreter's logs were when a call started: what it declared, used as
    numbers and defined, and the statements it ran, are what they hold past these."""

    declared: int
    numbers: int
    functions: int
    steps: int


@dataclass(frozen=True, slots=True)
class _KeptKey:
    """A call's key among the kept calls, and the origins of the tensors its arguments hold
    (in the order the key names them)."""

    key: tuple[Any, ...]
    origins: tuple[Origin | None, ...]


@dataclass(frozen=True)
class _Fact:
    """A hover fact, built when first asked for (``results.PendingFact``)."""

    span: Span
    unit: Unit
    node: ast.AST
    value: TensorVal
    bindings: Bindings
    mesh: tuple[str, ...] | None
    target: bool

    @property
    def expression(self) -> str:
        # read when the fact is: most are never hovered
        node = self.node
        return node.id if isinstance(node, ast.Name) else self.unit.source_of(node)

    def resolve(self) -> TypeFact:
        return self.fact  # a replayed journal's facts are resolved once, not per check

    def origins(self) -> Iterator[Origin]:
        return steps_of(self.value.origin)

    @cached_property
    def fact(self) -> TypeFact:
        value, bindings, mesh = self.value, self.bindings, self.mesh
        complete = value.type.concrete(bindings, mesh)
        if complete is not None:
            return TypeFact(
                self.span,
                self.expression,
                axes.shown(complete),
                value.grad,
                value.origin,
                is_target=self.target,
            )
        return TypeFact(
            self.span,
            self.expression,
            None,
            value.grad,
            value.origin,
            is_target=self.target,
            shown=value.type.describe(bindings, mesh),
            known=axes.shown(value.type.known(bindings)),
            fill=value.type.rest.fill,
            listed=tuple(axes.label(a) for a in value.type.listed(bindings)),
        )


def _is_tensor_method(name: str) -> bool:
    return (
        f"Tensor.{name}" in optable.OPS
        or name in optable.PASSTHROUGH_METHODS
        or name in ("backward", "item", "tolist")
    )


def _is_script(units: list[Unit]) -> bool:
    """Whether a module is a program that sets up what it runs under (a script): it calls
    ``typecheck`` somewhere, builds a mesh or enters one at module level, or defines a
    unittest test case (a test runner enters nothing: its tests run under what they and
    their set-up enter). A library module does none of these: its code runs under what its
    unseen caller entered."""
    return any(_sets_up_what_it_runs_under(unit) for unit in units)


# by unit text: every check of every module asks, for each of its units
_SETS_UP: Memo[str, bool] = Memo("units_setting_up_a_mesh", 20_000)


def _calls_on_its_lines(unit: Unit, name: str) -> bool:
    """Whether the tree calls ``name`` (``name(...)``, ``m.name(...)``), looking only into
    the nodes that span a line where the name is spelled: a keystroke in a large class that
    enters SPMD mode somewhere re-asks this of the whole class."""
    assert unit.tree is not None
    lines = [number for number, line in enumerate(unit.lines, 1) if name in line]
    pending: list[ast.AST] = [unit.tree]
    while pending:
        node = pending.pop()
        first = getattr(node, "lineno", None)
        last = getattr(node, "end_lineno", None)
        if (
            first is not None
            and last is not None
            and not any(first <= number <= last for number in lines)
        ):
            continue
        if _called(node) == name:
            return True
        pending.extend(ast.iter_child_nodes(node))
    return False


def _is_test_case(statement: ast.stmt) -> bool:
    """``class TestX(unittest.TestCase)`` or a subclass of another ``...TestCase``."""
    return isinstance(statement, ast.ClassDef) and any(
        ast.unparse(base).endswith("TestCase") for base in statement.bases
    )


def _sets_up_what_it_runs_under(unit: Unit) -> bool:
    if unit.tree is None:
        return False
    found = _SETS_UP.get(unit.key)
    if found is None:
        # each walk only when its names are in the text: the unit an edit touched is new on
        # every keystroke, and walking a whole class for a name it does not hold cost more
        # than the edited function's analysis
        text, body = unit.text, unit.tree.body
        found = (
            ("typecheck" in text and _calls_on_its_lines(unit, "typecheck"))
            or (
                any(name in text for name in _SETS_UP_A_MESH)
                and any(
                    any(_called(node) in _SETS_UP_A_MESH for node in ast.walk(statement))
                    for statement in body
                    if not isinstance(
                        statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
                    )
                )
            )
            or ("TestCase" in text and any(_is_test_case(statement) for statement in body))
        )
        _SETS_UP.put(unit.key, found)
    return found


_IMPORTS_SPMD_TYPES = re.compile(
    r"^\s*(?:from\s+(?:torch\.distributed\.)?spmd_types\b"
    r"|from\s+torch\.distributed\s+import\s+(?:\(\s*)?(?:\w+(?:\s+as\s+\w+)?\s*,\s*)*spmd_types\b"
    r"|import\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,\s*)*(?:torch\.distributed\.)?spmd_types\b)",
    re.MULTILINE,
)


def _imports_spmd_types(units: list[Unit]) -> bool:
    """Whether a module imports spmd_types (anywhere: imports inside functions count)."""
    return any(_IMPORTS_SPMD_TYPES.search(unit.text) for unit in units)


# Context managers that swallow an exception raised in their block (a test's expected error)
_CATCHING = ("assertRaises", "assertRaisesRegex", "raises", "suppress")


def _catches(context: ast.expr) -> bool:
    """``self.assertRaises(E)``, ``pytest.raises(E)``, ``contextlib.suppress(E)``."""
    return _called(context) in _CATCHING


def _called(node: ast.AST) -> str | None:
    """The name a call calls (``f`` for ``f(...)`` and ``m.f(...)``)."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _settled(value: Value, bindings: Bindings) -> Value:
    """A value as one path knows it, for another context (a callee, a caller): its tensors'
    types with what the path's bindings say substituted."""
    if not bindings:
        return value
    if isinstance(value, TensorVal):
        return replace(value, type=value.type.resolved(bindings))
    if isinstance(value, TupleVal):
        return TupleVal(tuple(_settled(item, bindings) for item in value.items))
    if isinstance(value, TensorSeqVal):
        element = _settled(value.element, bindings)
        return TensorSeqVal(element) if isinstance(element, TensorVal) else value
    return value


def _all_parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Every named parameter, keyword-only ones included (an autograd hook's)."""
    return [*parameter_names(node), *(a.arg for a in node.args.kwonlyargs)]


def _is_static(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)


def _always_returns(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return bool(node.body) and isinstance(node.body[-1], (ast.Return, ast.Raise))


def _returned(function: FunctionVal, frame: Frame) -> Value:
    """What a call of the function gives, from what its run returned on each path."""
    if isinstance(function.node, ast.AsyncFunctionDef):
        return UNKNOWN
    if not frame.returns:
        return ConstVal(None) if not frame.raised else UNKNOWN
    result = frame.returns[0]
    for value in frame.returns[1:]:
        result = join(result, value)
    if not frame.terminated and not _always_returns(function.node):
        result = join(result, ConstVal(None))
    return result


def _handed_out(pristine: Value, rebase: Rebase | None) -> Value:
    """A memoised factory's result (kept as a pristine copy) given again: a copy, rebased to
    this call's arguments' origins when they differ (a rebase copies the objects it meets)."""
    return sharing.copy_value(pristine) if rebase is None else rebase.value(pristine)


def _rebased(value: Value, rebase: Rebase | None) -> Value:
    """A memoised call's value with its tensors' origins rebased to this call's arguments;
    one that holds an object as it is (the memo gives the very object: a copy would not see
    what is written to it later)."""
    if rebase is None or not sharing.portable(value):
        return value
    return rebase.value(value)


def _signature(env: dict[str, Value]) -> tuple[Any, ...]:
    out: list[Any] = []
    for name, value in env.items():
        if isinstance(value, (InstanceVal, FunctionVal, ClassVal)):
            out.append((name, id(value)))
        elif isinstance(value, TensorVal):
            out.append((name, value.type, value.grad, value.spec, value.shape))
        else:
            try:
                hash(value)
                out.append((name, value))
            except TypeError:
                out.append((name, id(value)))
    return tuple(out)


def _describe_args(args: list[Value], kwargs: dict[str, Value]) -> str:
    parts = []
    for value in [*args, *kwargs.values()]:
        if isinstance(value, TensorVal):
            parts.append(str(value.type) if value.type is not None else "Unknown")
    return ", ".join(parts) if parts else "these arguments"
