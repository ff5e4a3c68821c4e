# F.linear is missing from the runtime's op table, so it is non-linear even though it is a matmul.
import torch
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    w = torch.randn(2, 8)
    spmd.assert_type(w, {"dp": R, "tp": R})
    y = F.linear(x, w)  # E: spmd-partial-nonlinear
