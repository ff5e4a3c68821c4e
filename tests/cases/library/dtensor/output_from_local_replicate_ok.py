# Twin of output_from_local_replicate: grad_placements=[Partial(), ...] declares the Replicate
# placements R; to_local() after a redistribute is typed from the new placements (Replicate
# with the default grad placements: Invariant). With the mesh a parameter, the library part
# does not know which axes these are.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard


class ToDTensor(nn.Module):
    def __init__(self, mesh):
        super().__init__()
        self.mesh = mesh

    def forward(self, out):
        d = DTensor.from_local(
            out, self.mesh, [Replicate(), Replicate()], grad_placements=[Partial(), Partial()]
        )
        local = d.redistribute(self.mesh, [Replicate(), Replicate()]).to_local()
        reveal_type(local)  # T: {dp: I, tp: I}  # LT: Unknown
        return d


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
layer = ToDTensor(mesh)
with spmd.set_current_mesh(mesh), typecheck():
    out = torch.randn(4, 8)
    spmd.assert_type(out, {"dp": R, "tp": R})
    layer(out)
