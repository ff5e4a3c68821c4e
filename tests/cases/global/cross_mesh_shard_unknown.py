"""An operand sharded on tp and typed on a flattened (dp, cp) axis, used under the fine
(dp, cp, tp) mesh: the runtime reads it on the fine mesh's axes and carries its
PartitionSpec over. The checker does not model that remapping of S(i), so the operand's
type there is not known: no missing-axis error, and the result is Unknown."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from spmd_types.types import normalize_axis
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 2, 2), mesh_dim_names=("dp", "cp", "tp"))
dp = normalize_axis(mesh.get_group("dp"))
cp = normalize_axis(mesh.get_group("cp"))
tp = normalize_axis(mesh.get_group("tp"))
dp_cp = normalize_axis(mesh["dp", "cp"]._flatten("dp_cp").get_group("dp_cp"))
with typecheck(local=False, strict_mode="strict"):
    x = torch.randn(4, 3)
    spmd.assert_type(x, {dp_cp: R, tp: S(0)})
    with spmd.set_current_mesh(frozenset({dp, cp, tp})):
        y = torch.add(x, x)
        reveal_type(y)  # T: Unknown
