"""Tensors in a list keep their identity: annotating them through the loop variable, a slice
of the list or an index annotates the list's own elements (the runtime types objects)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    parts = [torch.randn(4, 8) for _ in range(4)]
    for part in parts[:3]:
        spmd.assert_type(part, {"dp": R, "tp": V})
    spmd.assert_type(parts[3], {"dp": R, "tp": P})
    reveal_type(parts[0])  # T: {dp: R, tp: V}
    reveal_type(parts[2])  # T: {dp: R, tp: V}
    y = torch.relu(parts[3])  # E: spmd-partial-nonlinear
