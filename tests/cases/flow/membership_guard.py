# The same table with a pair the guard lets through that all_reduce does not accept: the
# first iteration that reaches it raises.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    types = (R, I, V, P)
    accepted = {(P, R), (R, R)}
    for src in types:
        for dst in types:
            if (src, dst) not in accepted:
                continue
            x = torch.randn(4, 8)
            spmd.assert_type(x, {"dp": R, "tp": src})
            y = spmd.all_reduce(x, "tp", src=src, dst=dst)  # E: spmd-invalid-transition
