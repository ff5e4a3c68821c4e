"""Scalar types are R, I, V or P: S(i) is a TypeError (a scalar has no dims)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    s = spmd.Scalar(2, {"dp": R, "tp": S(0)})  # E: spmd-scalar-type
