# The twin, as the Megatron tests do it: the ids are made before the test enters typecheck(),
# so they are typed on no axis, and the assertion types them. The library view must not
# assume a training step's typecheck() around a pytest test function (torch.zeros would then
# be Replicate, and the assertion a false mismatch).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def test_token_ids_invariant():
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    ids = torch.zeros(4, 8, dtype=torch.long)
    with spmd.set_current_mesh(mesh), typecheck():
        spmd.assert_type(ids, {"dp": R, "tp": I})
        reveal_type(ids)  # T: {dp: R, tp: I}


# --- driver ---
test_token_ids_invariant()
