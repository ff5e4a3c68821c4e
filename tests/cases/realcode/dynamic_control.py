# Decorators, recursion, early returns, *args, a backend switch and DTensor code: no false alarms.
import functools

import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Replicate


def traced(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@traced
def activation(x):
    return torch.relu(x)


def depth_sum(x, n):
    if n == 0:
        return x
    return depth_sum(x, n - 1) + x


def first_typed(*tensors):
    for t in tensors:
        if t is not None:
            return t
    return None


def pick(x, backend):
    if backend == "fused":
        return x * 2
    return x + x


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
types = ({"dp": V}, {"tp": R})
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, *types)
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": V, "tp": P})
    a = activation(x)
    b = depth_sum(x, 3)
    c = first_typed(None, x)
    d = pick(p, "fused")
    reveal_type(d)  # T: {dp: V, tp: P}
    dt = DTensor.from_local(torch.randn(4, 8), mesh, [Replicate(), Replicate()])
    e = dt.to_local()
