"""Name resolution: imports and aliases to canonical qualified names.

``import spmd_types as spmd`` then ``spmd.all_reduce`` and
``from spmd_types import all_reduce`` both resolve to ``spmd.all_reduce``;
``import torch.nn.functional as F`` then ``F.gelu`` to
``torch.nn.functional.gelu``; ``torch.Tensor.add`` to ``Tensor.add``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .lattice import AxisType, I, P, R, V

if TYPE_CHECKING:
    from .results import Related
    from .state import Frame

# Submodules of spmd_types that re-export the public API.
_SPMD_SUBMODULES = frozenset(
    [
        "checker",
        "types",
        "runtime",
        "_collectives",
        "_local",
        "_mesh",
        "_mesh_axis",
        "_checker",
        "_state",
        "_type_attr",
        "_local_registration",
        "_scalar",
    ]
)
_TORCH_ALIASES = {
    "torch.distributed.device_mesh.init_device_mesh": "init_device_mesh",
    "torch.distributed.init_device_mesh": "init_device_mesh",
    "torch.distributed.device_mesh.DeviceMesh": "DeviceMesh",
    "torch.distributed.DeviceMesh": "DeviceMesh",
    "torch.nn.Parameter": "Parameter",
    "torch.nn.parameter.Parameter": "Parameter",
    "torch.distributed.tensor.PartitionSpec": "spmd.PartitionSpec",
}

# spmd_types' type singletons, by canonical name
TYPE_NAMES: dict[str, AxisType] = {
    "spmd.R": R,
    "spmd.Replicate": R,
    "spmd.I": I,
    "spmd.Invariant": I,
    "spmd.V": V,
    "spmd.Varying": V,
    "spmd.P": P,
    "spmd.Partial": P,
}


# torch ships a copy of spmd_types (``torch.distributed.spmd_types``): the same library
_TORCH_COPY = "torch.distributed.spmd_types"


def canonical(qualname: str) -> str:
    """The name the checker's tables use for an imported thing."""
    if qualname == _TORCH_COPY or qualname.startswith(_TORCH_COPY + "."):
        qualname = "spmd_types" + qualname[len(_TORCH_COPY) :]
    if qualname == "spmd_types" or qualname.startswith("spmd_types."):
        parts = [p for p in qualname.split(".")[1:] if p not in _SPMD_SUBMODULES]
        return "spmd." + ".".join(parts) if parts else "spmd"
    if qualname in _TORCH_ALIASES:
        return _TORCH_ALIASES[qualname]
    if qualname.startswith("torch.Tensor."):
        return "Tensor." + qualname[len("torch.Tensor.") :]
    if qualname.startswith("torch.nn.functional."):
        return qualname
    if qualname.startswith("torch.functional."):
        return "torch." + qualname[len("torch.functional.") :]
    return qualname


def import_bindings(
    node: ast.Import | ast.ImportFrom, module_package: str | None
) -> list[tuple[str, str]]:
    """(local name, qualified name) pairs an import statement binds."""
    out: list[tuple[str, str]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                out.append((alias.asname, alias.name))
            else:
                top = alias.name.split(".")[0]
                out.append((top, top))
        return out
    base = node.module or ""
    if node.level and module_package is not None:
        parts = module_package.split(".") if module_package else []
        if node.level > 1:
            parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, base] if base else parts)
    elif node.level:
        base = "." * node.level + base
    for alias in node.names:
        if alias.name == "*":
            continue
        out.append((alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name))
    return out


def parameter_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The positional parameters of a function, in order."""
    return [a.arg for a in [*node.args.posonlyargs, *node.args.args]]


def call_site_of(frame: Frame) -> tuple[Related, ...]:
    """The call that led to a frame, as related information (none at module level)."""
    return (frame.call_site,) if frame.call_site is not None else ()
