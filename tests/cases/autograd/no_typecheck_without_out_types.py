"""@no_typecheck(in_types=...) without out_types is a TypeError at the decorator."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.no_typecheck(in_types=({"dp": V, "tp": R},))  # E: spmd-registration
def activation(x):
    return torch.relu(x)
