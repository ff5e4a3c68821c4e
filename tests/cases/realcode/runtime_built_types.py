# Types built at run time: the checker reads what it can and stays silent on the rest.
import functools
from enum import Enum

import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

TP = "tp"


class Axis(str, Enum):
    DP = "dp"
    TP = "tp"


def annotate(x, group, dim):
    # the axis and the shard dim are parameters: Unknown, no diagnostic
    spmd.assert_type(x, {**spmd.get_local_type(x), group: spmd.S(dim)})
    return x


def scaled(x, factor, *args, **kwargs):
    return x * factor


def reduce_any(x, axis):
    return spmd.all_reduce(x, axis, src=P, dst=R)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {Axis.DP: V, TP: R})
    reveal_type(x)  # T: {dp: V, tp: R}
    types = dict(spmd.get_local_type(x))
    types[mesh.get_group("tp")] = R
    y = torch.randn(4, 8)
    spmd.assert_type(y, types)
    z = x + y
    w = annotate(torch.randn(4, 8), mesh.get_group("tp"), x.ndim - 1)
    half = functools.partial(scaled, factor=0.5)
    h = half(x)
    if spmd.is_type_checking():
        h = h + 1
    parts = [t * 2 for t in (x, z)]
    doubled = list(map(lambda t: t * 2, parts))
    try:
        q = torch.randn(4, 8)
        spmd.assert_type(q, {"dp": V, "tp": P})
        r = reduce_any(q, mesh.get_group("tp"))
    except ValueError:
        r = None
    with spmd.no_typecheck():
        anything = torch.relu(q)
