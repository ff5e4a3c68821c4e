"""DeviceMesh._flatten inside typecheck() runs untyped tensor ops on the mesh tensor: strict mode rejects them."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    flat = mesh["dp", "tp"]._flatten("dp_tp")  # E: spmd-mesh-op-in-typecheck
