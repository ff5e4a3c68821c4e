# A pytest test function (as Megatron's SPMD tests are written): pytest enters no typecheck(),
# the test enters it itself. Here the token ids are made inside typecheck() under the mesh,
# so torch.zeros gives them Replicate on every mesh axis, and asserting them Invariant is a
# mismatch. The library view runs the test function under what it enters, and finds it too.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def test_token_ids_invariant():
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    with spmd.set_current_mesh(mesh), typecheck():
        ids = torch.zeros(4, 8, dtype=torch.long)
        spmd.assert_type(ids, {"dp": R, "tp": I})  # E: spmd-assert-mismatch


# --- driver ---
test_token_ids_invariant()
