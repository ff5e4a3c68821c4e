# The full path torch.nn.functional.softmax on a Partial tensor.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    scores = torch.randn(4, 8)
    spmd.assert_type(scores, {"dp": R, "tp": P})
    probs = torch.nn.functional.softmax(scores, dim=-1)  # E: spmd-partial-nonlinear
