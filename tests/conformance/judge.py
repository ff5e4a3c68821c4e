"""Run a case file under the reference runtime and record what it did.

All cases run in one process, under a fake process group whose world size is
the product of the literal shape given to the case's ``init_device_mesh``
(8 without one). The case is executed as ``__main__``; ``reveal_type`` is a
builtin that records the runtime's per-axis type of its argument at the
caller's line. Between cases the runtime's thread-local state and the
registries a case may populate are reset.
"""

from __future__ import annotations

import ast
import builtins
import math
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import spmd_types

# typecheck() imports this on first use and it registers DTensor's autograd Functions: import
# it now so that the registries every case starts from include them.
import spmd_types._dtensor_checker
import torch
import torch.distributed as dist
from spmd_types import _checker as _checker_mod
from spmd_types import _local_registration, _mesh_axis, _state, runtime
from spmd_types._checker import _remove_autograd_apply_patch

DEFAULT_WORLD_SIZE = 8


@dataclass
class CaseRun:
    """What the runtime did with one case."""

    path: Path
    world_size: int
    # line -> the types revealed there, in order (a loop may reveal several)
    reveals: dict[int, list[dict[str, str]]] = field(default_factory=dict)
    error: BaseException | None = None
    error_line: int | None = None
    error_classes: tuple[str, ...] = ()  # names along the exception's MRO
    error_traceback: str = ""
    leftovers: list[str] = field(default_factory=list)  # state the case left behind
    # the mesh dim names reveal_type could resolve axes to (reveal labels outside this set
    # are axes the runtime could not name)
    mesh_dim_names: set[str] = field(default_factory=set)

    @property
    def error_summary(self) -> str:
        if self.error is None:
            return "ran clean"
        msg = str(self.error).strip().splitlines()
        first = msg[0] if msg else ""
        where = f"line {self.error_line}" if self.error_line else "outside the case file"
        return f"raised {type(self.error).__name__} at {where}: {first}"


# ---------------------------------------------------------------------------
# world size


def _is_init_device_mesh(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "init_device_mesh"
    if isinstance(func, ast.Attribute):
        return func.attr == "init_device_mesh"
    return False


def world_size_of(source: str) -> int:
    """Product of the literal shape of the first ``init_device_mesh(...)`` call."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return DEFAULT_WORLD_SIZE
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _is_init_device_mesh(n.func)]
    calls.sort(key=lambda n: (n.lineno, n.col_offset))
    for call in calls:
        shape = call.args[1] if len(call.args) > 1 else None
        for kw in call.keywords:
            if kw.arg == "mesh_shape":
                shape = kw.value
        if isinstance(shape, (ast.Tuple, ast.List)):
            dims = [e.value for e in shape.elts if isinstance(e, ast.Constant)]
            if len(dims) == len(shape.elts) and all(isinstance(d, int) for d in dims):
                return math.prod(dims)
        elif isinstance(shape, ast.Constant) and isinstance(shape.value, int):
            return shape.value
    return DEFAULT_WORLD_SIZE


def ensure_process_group(world_size: int) -> None:
    if dist.is_initialized():
        if dist.get_world_size() == world_size:
            return
        dist.destroy_process_group()
        _mesh_axis._reset()
    from torch.testing._internal.distributed.fake_pg import FakeStore

    dist.init_process_group(backend="fake", rank=0, world_size=world_size, store=FakeStore())


# ---------------------------------------------------------------------------
# reveal_type


def _axis_names(frame) -> dict[object, str]:
    """MeshAxis -> mesh dim name: from the current mesh, else from meshes in scope."""
    names: dict[object, str] = {}
    current = _state.current_mesh_all_names()
    if current:
        for name, axis in current.items():
            names.setdefault(axis, name)
    from torch.distributed.device_mesh import DeviceMesh

    f = frame
    while f is not None:
        for scope in (f.f_locals, f.f_globals):
            for value in list(scope.values()):
                if isinstance(value, DeviceMesh) and value.mesh_dim_names:
                    for name in value.mesh_dim_names:
                        try:
                            axis = spmd_types.MeshAxis.of(value.get_group(name))
                        except Exception:
                            continue
                        names.setdefault(axis, name)
        f = f.f_back
    return names


def _axis_label(axis, names: dict[object, str]) -> str:
    if axis in names:
        return names[axis]
    text = repr(axis)
    return text[len("mesh_") :] if text.startswith("mesh_") else text


def runtime_type(value, frame=None, names: dict[object, str] | None = None) -> dict[str, str]:
    """The runtime's per-axis type of a tensor, as axis-name -> "R"/"I"/"V"/"P"/"S(i)"."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"reveal_type expects a tensor, got {type(value).__name__}")
    if not spmd_types.has_local_type(value):
        return {}
    if names is None:
        names = _axis_names(frame)
    local = spmd_types.get_local_type(value)
    shard_dim: dict[object, int] = {}
    spec = spmd_types.get_partition_spec(value)
    if spec is not None:
        for dim, entry in enumerate(spec):
            if entry is None:
                continue
            for axis in entry if isinstance(entry, tuple) else (entry,):
                shard_dim[axis] = dim
    out: dict[str, str] = {}
    for axis, typ in local.items():
        letter = typ.name if hasattr(typ, "name") else str(typ)
        if axis in shard_dim and letter == "V":
            letter = f"S({shard_dim[axis]})"
        out[_axis_label(axis, names)] = letter
    return out


def _case_frame(path: str):
    """The innermost frame on the stack whose code is in the case file."""
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename != path:
        f = f.f_back
    return f


# ---------------------------------------------------------------------------
# state reset

_REGISTRIES = [
    (_local_registration, "_LOCAL_AUTOGRAD_FUNCTIONS"),
    (_local_registration, "_LOCAL_BACKWARD_HOOKS"),
    (_state, "_NO_TYPECHECK_CODES"),
    (runtime, "_TYPECHECK_AUTOGRAD_FUNCTIONS"),
    (_checker_mod, "_OP_REGISTRY"),
    (_checker_mod, "_DECOMP_TYPE_RULES"),
    (_checker_mod, "_DETERMINISTIC_FACTORIES"),
]


def _snapshot() -> list:
    return [
        (mod, name, getattr(mod, name).copy()) for mod, name in _REGISTRIES if hasattr(mod, name)
    ]


def _restore(snapshot: list) -> None:
    for mod, name, saved in snapshot:
        live = getattr(mod, name)
        live.clear()
        live.update(saved)


def _clean_state(run: CaseRun) -> None:
    """Undo whatever runtime state the case left behind (and say so)."""
    mode = _state._current_mode()
    if mode is not None:
        run.leftovers.append("a typecheck() mode was still active")
        _state._set_current_mode(None)
    stack = getattr(_state._tls, "mesh_stack", [])
    if stack:
        run.leftovers.append(f"{len(stack)} mesh(es) left on the current-mesh stack")
        _state._clear_mesh_stack()
    from torch.overrides import _get_current_function_mode_stack

    modes = _get_current_function_mode_stack()
    if modes:
        run.leftovers.append(f"torch function modes left on the stack: {modes}")
        from torch._C import _pop_torch_function_stack

        for _ in modes:
            _pop_torch_function_stack()
        _remove_autograd_apply_patch()
    if not torch.is_grad_enabled():
        run.leftovers.append("grad mode left disabled")
        torch.set_grad_enabled(True)


# ---------------------------------------------------------------------------
# running a case


def run_case(path: Path) -> CaseRun:
    path = Path(path).resolve()
    source = path.read_text()
    world = world_size_of(source)
    ensure_process_group(world)
    _mesh_axis._reset()
    run = CaseRun(path=path, world_size=world)
    fname = str(path)

    def reveal_type(value):
        frame = _case_frame(fname)
        line = frame.f_lineno if frame is not None else 0
        names = _axis_names(frame)
        run.mesh_dim_names.update(names.values())
        run.reveals.setdefault(line, []).append(runtime_type(value, frame, names))
        return value

    snapshot = _snapshot()
    had_reveal = hasattr(builtins, "reveal_type")
    old_reveal = getattr(builtins, "reveal_type", None)
    builtins.reveal_type = reveal_type
    try:
        code = compile(source, fname, "exec")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, {"__name__": "__main__", "__file__": fname})
    except Exception as e:  # the verdict, not a failure of the judge
        run.error = e
        run.error_classes = tuple(c.__name__ for c in type(e).__mro__)
        run.error_traceback = "".join(traceback.format_exception(e))
        for fs in traceback.extract_tb(e.__traceback__):
            if fs.filename == fname:
                run.error_line = fs.lineno
    finally:
        if had_reveal:
            builtins.reveal_type = old_reveal
        else:
            del builtins.reveal_type
        _clean_state(run)
        _restore(snapshot)
        _mesh_axis._reset()
    return run
