"""Scalar + Scalar merges per axis (same type, or R with V); V with I does not merge, and Python raises TypeError."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    a = spmd.Scalar(2.0, {"dp": R, "tp": V})
    b = spmd.Scalar(3.0, {"dp": R, "tp": I})
    c = a + b  # E: spmd-scalar-mix
