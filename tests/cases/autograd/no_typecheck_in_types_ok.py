"""Twin of no_typecheck_in_types: with only out_types the body runs unchecked (relu of a Partial) and the result gets out_types."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.no_typecheck(out_types={"dp": V, "tp": R})
def activation(x):
    return torch.relu(x)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": P})
    y = activation(x)
    reveal_type(y)  # T: {dp: V, tp: R}
