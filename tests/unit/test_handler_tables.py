"""The interpreter looks a call up in one table merged from several (``infer._HANDLERS``):
no name may be in two, or one table's meaning would silently never apply."""

from __future__ import annotations

from itertools import combinations

from spmd_check import (
    autograd_api,
    dist_api,
    dtensor_api,
    mesh_api,
    nn_modules,
    python_api,
    rules_api,
    spmd_api,
)

TABLES = {
    "spmd_api": spmd_api.HANDLERS,
    "mesh_api": mesh_api.HANDLERS,
    "python_api": python_api.HANDLERS,
    "dist_api": dist_api.HANDLERS,
    "dtensor_api": dtensor_api.HANDLERS,
    "rules_api": rules_api.HANDLERS,
    "autograd_api": autograd_api.HANDLERS,
    "nn_modules": nn_modules.HANDLERS,
}


def test_no_name_in_two_tables() -> None:
    shared = {
        (a, b): sorted(set(TABLES[a]) & set(TABLES[b]))
        for a, b in combinations(TABLES, 2)
        if set(TABLES[a]) & set(TABLES[b])
    }
    assert not shared, f"names handled by two tables: {shared}"
