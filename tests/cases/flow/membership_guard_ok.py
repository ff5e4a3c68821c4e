# A loop over a table of types, guarded by membership in a set of accepted pairs: the
# checker decides `in` over literal collections and comprehensions, so the pairs the guard
# skips are never run (the way the runtime's own tests enumerate transitions).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    types = (R, I, V, P)
    accepted = {(src, dst) for src in (P, V) for dst in (R, I) if src is P and dst is not I}
    for src in types:
        for dst in types:
            if (src, dst) not in accepted:
                continue
            x = torch.randn(4, 8)
            spmd.assert_type(x, {"dp": R, "tp": src})
            y = spmd.all_reduce(x, "tp", src=src, dst=dst)
            reveal_type(y)  # T: {dp: R, tp: R}
