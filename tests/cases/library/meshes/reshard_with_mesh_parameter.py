# A checkpoint-loading helper gets the mesh as a parameter and enters set_current_mesh(mesh)
# and typecheck() itself. It scatters the weight, then states the contract with a bare R, as
# if R only filled the axes the shard is not sharded on: a bare R means Replicate on every
# axis, tp included, and contradicts the convert whatever the mesh and the weight.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck


def shard_column_parallel_weight(full_weight, mesh):
    """Load-time resharding: this rank's slice of a full checkpoint weight, for a
    column-parallel layer that stores the weight as [out, in] (dim 0 is split on tp)."""
    with spmd.set_current_mesh(mesh), typecheck():
        spmd.assert_type(full_weight, R)
        shard = spmd.convert(full_weight, "tp", src=R, dst=S(0))
        # the layer's contract for its weight: Replicate on the other axes
        spmd.assert_type(shard, R)  # E: spmd-assert-mismatch
        return shard


# --- driver ---
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
checkpoint = {"w_in": torch.randn(32, 16)}
w_in = shard_column_parallel_weight(checkpoint["w_in"], mesh)
