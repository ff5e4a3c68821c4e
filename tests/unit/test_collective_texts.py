"""What a hover (and a fix title) says a collective or conversion does, per (function, src,
dst), pinned to the runtime's own description (spmd-types 0.3.1).

``EXPECTED`` is written from the runtime's docstrings and autograd Functions
(``_collectives.py``, ``_local.py``), not from the checker: forward is what moves the data
(a collective, a local conversion, or "no-op" when the local data is kept and only the type
changes); backward is what moves the gradient, grad(dst) -> grad(src) (R and P are each
other's gradient). ``test_pairs_are_what_the_runtime_accepts`` runs every function on every
pair under a fake process group, so that the table covers exactly the pairs the runtime
accepts.
"""

from __future__ import annotations

import itertools

import pytest
from spmd_check import collectives as coll
from spmd_check.lattice import AxisType, I, P, R, S, V
from spmd_check.rules import RuleViolation

TYPES: dict[str, AxisType] = {"R": R, "I": I, "V": V, "P": P, "S(0)": S(0), "S(1)": S(1)}

# fmt: off
EXPECTED: dict[tuple[str, str, str], tuple[str, str]] = {
    # all_reduce: "Reduce shards along the mesh axis"; src V "automatically reinterpreted as P
    # first" (reinterpret(V,P) is a no-op forward, its backward reinterpret(R,V) a no-op).
    # "When dst=R ... the backwards is all_reduce(R): P -> R"; "When dst=I ... the backwards is
    # convert(I,R): I -> R" (identity).
    ("all_reduce", "P", "R"): ("all-reduce (P -> R)", "all-reduce (P -> R)"),
    ("all_reduce", "P", "I"): ("all-reduce (P -> I)", "no-op (I -> R)"),
    ("all_reduce", "V", "R"): ("all-reduce (V -> R)", "all-reduce (P -> V)"),
    ("all_reduce", "V", "I"): ("all-reduce (V -> I)", "no-op (I -> V)"),
    # all_gather: "all_gather(V,R): V -> R, the backwards is reduce_scatter(V): P -> V";
    # "all_gather(V,I): V -> I, the backwards is convert(I,V): I -> V" (this rank's slice);
    # the same with S(i).
    ("all_gather", "V", "R"): ("all-gather (V -> R)", "reduce-scatter (P -> V)"),
    ("all_gather", "V", "I"): ("all-gather (V -> I)", "local slice (I -> V)"),
    ("all_gather", "S(0)", "R"): ("all-gather (S(0) -> R)", "reduce-scatter (P -> S(0))"),
    ("all_gather", "S(0)", "I"): ("all-gather (S(0) -> I)", "local slice (I -> S(0))"),
    ("all_gather", "S(1)", "R"): ("all-gather (S(1) -> R)", "reduce-scatter (P -> S(1))"),
    ("all_gather", "S(1)", "I"): ("all-gather (S(1) -> I)", "local slice (I -> S(1))"),
    # reduce_scatter: "reduce_scatter(V): P -> V, the backwards is all_gather(V,R): V -> R";
    # src V is reinterpreted as P first (its backward, reinterpret(R,V), is a no-op).
    ("reduce_scatter", "P", "V"): ("reduce-scatter (P -> V)", "all-gather (V -> R)"),
    ("reduce_scatter", "P", "S(0)"): ("reduce-scatter (P -> S(0))", "all-gather (S(0) -> R)"),
    ("reduce_scatter", "P", "S(1)"): ("reduce-scatter (P -> S(1))", "all-gather (S(1) -> R)"),
    ("reduce_scatter", "V", "V"): ("reduce-scatter (V -> V)", "all-gather (V -> V)"),
    ("reduce_scatter", "V", "S(0)"): ("reduce-scatter (V -> S(0))", "all-gather (S(0) -> V)"),
    ("reduce_scatter", "V", "S(1)"): ("reduce-scatter (V -> S(1))", "all-gather (S(1) -> V)"),
    # all_to_all: "all_to_all(V,V): V -> V, the backwards is all_to_all(V,V)"; "all_to_all(
    # S(i),S(j)) ... the backwards is all_to_all(S(j),S(i))": an exchange, whatever the dims.
    ("all_to_all", "V", "V"): ("all-to-all (V -> V)", "all-to-all (V -> V)"),
    ("all_to_all", "V", "S(0)"): ("all-to-all (V -> S(0))", "all-to-all (S(0) -> V)"),
    ("all_to_all", "V", "S(1)"): ("all-to-all (V -> S(1))", "all-to-all (S(1) -> V)"),
    ("all_to_all", "S(0)", "V"): ("all-to-all (S(0) -> V)", "all-to-all (V -> S(0))"),
    ("all_to_all", "S(0)", "S(0)"): ("all-to-all (S(0) -> S(0))", "all-to-all (S(0) -> S(0))"),
    ("all_to_all", "S(0)", "S(1)"): ("all-to-all (S(0) -> S(1))", "all-to-all (S(1) -> S(0))"),
    ("all_to_all", "S(1)", "V"): ("all-to-all (S(1) -> V)", "all-to-all (V -> S(1))"),
    ("all_to_all", "S(1)", "S(0)"): ("all-to-all (S(1) -> S(0))", "all-to-all (S(0) -> S(1))"),
    ("all_to_all", "S(1)", "S(1)"): ("all-to-all (S(1) -> S(1))", "all-to-all (S(1) -> S(1))"),
    # convert: "convert(I,R): I -> R, the backward is all_reduce(I): P -> I" (a no-op forward);
    # "convert(R,I): R -> I, the backward is convert(I,P): I -> P" (+A +0 +0);
    # "convert(R,V) ... keeps only the local shard", "the backward is convert(V,P)" (zeros
    # around this rank's slot); "convert(I,V) ... the backwards is all_gather(V,I)";
    # "convert(R,P) ... all ranks except the first are zeroed out", self-dual;
    # "convert(I,P) ... the backwards is convert(R,I)" (a no-op); "convert(V,P) ... places
    # each rank's value into a disjoint position of a partial tensor (zeros elsewhere)", "the
    # backwards is convert(R,V)"; the same with S(i); src and dst of one kind: ``return x``.
    ("convert", "R", "R"): ("no-op (R -> R)", "no-op (P -> P)"),
    ("convert", "R", "I"): ("no-op (R -> I)", "zeros on non-rank-0 (I -> P)"),
    ("convert", "R", "V"): ("local slice (R -> V)", "zero padding (V -> P)"),
    ("convert", "R", "P"): ("zeros on non-rank-0 (R -> P)", "zeros on non-rank-0 (R -> P)"),
    ("convert", "R", "S(0)"): ("local slice (R -> S(0))", "zero padding (S(0) -> P)"),
    ("convert", "R", "S(1)"): ("local slice (R -> S(1))", "zero padding (S(1) -> P)"),
    ("convert", "I", "R"): ("no-op (I -> R)", "all-reduce (P -> I)"),
    ("convert", "I", "I"): ("no-op (I -> I)", "no-op (I -> I)"),
    ("convert", "I", "V"): ("local slice (I -> V)", "all-gather (V -> I)"),
    ("convert", "I", "P"): ("zeros on non-rank-0 (I -> P)", "no-op (R -> I)"),
    ("convert", "I", "S(0)"): ("local slice (I -> S(0))", "all-gather (S(0) -> I)"),
    ("convert", "I", "S(1)"): ("local slice (I -> S(1))", "all-gather (S(1) -> I)"),
    ("convert", "V", "V"): ("no-op (V -> V)", "no-op (V -> V)"),
    ("convert", "V", "P"): ("zero padding (V -> P)", "local slice (R -> V)"),
    ("convert", "V", "S(0)"): ("no-op (V -> S(0))", "no-op (S(0) -> V)"),
    ("convert", "V", "S(1)"): ("no-op (V -> S(1))", "no-op (S(1) -> V)"),
    ("convert", "P", "P"): ("no-op (P -> P)", "no-op (R -> R)"),
    ("convert", "S(0)", "V"): ("no-op (S(0) -> V)", "no-op (V -> S(0))"),
    ("convert", "S(0)", "P"): ("zero padding (S(0) -> P)", "local slice (R -> S(0))"),
    ("convert", "S(0)", "S(0)"): ("no-op (S(0) -> S(0))", "no-op (S(0) -> S(0))"),
    ("convert", "S(1)", "V"): ("no-op (S(1) -> V)", "no-op (V -> S(1))"),
    ("convert", "S(1)", "P"): ("zero padding (S(1) -> P)", "local slice (R -> S(1))"),
    ("convert", "S(1)", "S(1)"): ("no-op (S(1) -> S(1))", "no-op (S(1) -> S(1))"),
    # reinterpret: "without changing the local tensor. It is guaranteed to be a no-op in
    # forwards." Backwards: "reinterpret(R,I) delegates to convert(R,I)" (convert(I,P));
    # "reinterpret(I,R) delegates to convert(I,R)" (all_reduce(I)); "reinterpret(R,V) ... the
    # backwards is reinterpret(V,P)" and "reinterpret(V,P) ... the backwards is
    # reinterpret(R,V)", "reinterpret(R,P) ... the backwards is reinterpret(R,P)": no-ops;
    # "reinterpret(I,V) is the composition of I -> R -> V", "reinterpret(I,P) ... of
    # I -> R -> P": their backward ends in convert(I,R)'s all_reduce(I): P -> I.
    ("reinterpret", "R", "R"): ("no-op (R -> R)", "no-op (P -> P)"),
    ("reinterpret", "R", "I"): ("no-op (R -> I)", "zeros on non-rank-0 (I -> P)"),
    ("reinterpret", "R", "V"): ("no-op (R -> V)", "no-op (V -> P)"),
    ("reinterpret", "R", "P"): ("no-op (R -> P)", "no-op (R -> P)"),
    ("reinterpret", "I", "R"): ("no-op (I -> R)", "all-reduce (P -> I)"),
    ("reinterpret", "I", "I"): ("no-op (I -> I)", "no-op (I -> I)"),
    ("reinterpret", "I", "V"): ("no-op (I -> V)", "all-reduce (V -> I)"),
    ("reinterpret", "I", "P"): ("no-op (I -> P)", "all-reduce (R -> I)"),
    ("reinterpret", "V", "V"): ("no-op (V -> V)", "no-op (V -> V)"),
    ("reinterpret", "V", "P"): ("no-op (V -> P)", "no-op (R -> V)"),
    ("reinterpret", "P", "P"): ("no-op (P -> P)", "no-op (R -> R)"),
    # redistribute: "routes to the following collectives": S(i)->R|I all_gather, P->R|I
    # all_reduce, P->S(i) reduce_scatter, S(i)->S(j) all_to_all; "For conversions that don't
    # require comms (R<->I, R->V, R->P, I->V, I->P, V->P), this function delegates to convert";
    # one kind on both sides (V and S(i) included): ``return x``.
    ("redistribute", "R", "R"): ("no-op (R -> R)", "no-op (P -> P)"),
    ("redistribute", "R", "I"): ("no-op (R -> I)", "zeros on non-rank-0 (I -> P)"),
    ("redistribute", "R", "V"): ("local slice (R -> V)", "zero padding (V -> P)"),
    ("redistribute", "R", "P"): ("zeros on non-rank-0 (R -> P)", "zeros on non-rank-0 (R -> P)"),
    ("redistribute", "R", "S(0)"): ("local slice (R -> S(0))", "zero padding (S(0) -> P)"),
    ("redistribute", "R", "S(1)"): ("local slice (R -> S(1))", "zero padding (S(1) -> P)"),
    ("redistribute", "I", "R"): ("no-op (I -> R)", "all-reduce (P -> I)"),
    ("redistribute", "I", "I"): ("no-op (I -> I)", "no-op (I -> I)"),
    ("redistribute", "I", "V"): ("local slice (I -> V)", "all-gather (V -> I)"),
    ("redistribute", "I", "P"): ("zeros on non-rank-0 (I -> P)", "no-op (R -> I)"),
    ("redistribute", "I", "S(0)"): ("local slice (I -> S(0))", "all-gather (S(0) -> I)"),
    ("redistribute", "I", "S(1)"): ("local slice (I -> S(1))", "all-gather (S(1) -> I)"),
    ("redistribute", "V", "R"): ("all-gather (V -> R)", "reduce-scatter (P -> V)"),
    ("redistribute", "V", "I"): ("all-gather (V -> I)", "local slice (I -> V)"),
    ("redistribute", "V", "V"): ("no-op (V -> V)", "no-op (V -> V)"),
    ("redistribute", "V", "P"): ("zero padding (V -> P)", "local slice (R -> V)"),
    ("redistribute", "V", "S(0)"): ("no-op (V -> S(0))", "no-op (S(0) -> V)"),
    ("redistribute", "V", "S(1)"): ("no-op (V -> S(1))", "no-op (S(1) -> V)"),
    ("redistribute", "P", "R"): ("all-reduce (P -> R)", "all-reduce (P -> R)"),
    ("redistribute", "P", "I"): ("all-reduce (P -> I)", "no-op (I -> R)"),
    ("redistribute", "P", "V"): ("reduce-scatter (P -> V)", "all-gather (V -> R)"),
    ("redistribute", "P", "P"): ("no-op (P -> P)", "no-op (R -> R)"),
    ("redistribute", "P", "S(0)"): ("reduce-scatter (P -> S(0))", "all-gather (S(0) -> R)"),
    ("redistribute", "P", "S(1)"): ("reduce-scatter (P -> S(1))", "all-gather (S(1) -> R)"),
    ("redistribute", "S(0)", "R"): ("all-gather (S(0) -> R)", "reduce-scatter (P -> S(0))"),
    ("redistribute", "S(0)", "I"): ("all-gather (S(0) -> I)", "local slice (I -> S(0))"),
    ("redistribute", "S(0)", "V"): ("no-op (S(0) -> V)", "no-op (V -> S(0))"),
    ("redistribute", "S(0)", "P"): ("zero padding (S(0) -> P)", "local slice (R -> S(0))"),
    ("redistribute", "S(0)", "S(0)"): ("no-op (S(0) -> S(0))", "no-op (S(0) -> S(0))"),
    ("redistribute", "S(0)", "S(1)"): ("all-to-all (S(0) -> S(1))", "all-to-all (S(1) -> S(0))"),
    ("redistribute", "S(1)", "R"): ("all-gather (S(1) -> R)", "reduce-scatter (P -> S(1))"),
    ("redistribute", "S(1)", "I"): ("all-gather (S(1) -> I)", "local slice (I -> S(1))"),
    ("redistribute", "S(1)", "V"): ("no-op (S(1) -> V)", "no-op (V -> S(1))"),
    ("redistribute", "S(1)", "P"): ("zero padding (S(1) -> P)", "local slice (R -> S(1))"),
    ("redistribute", "S(1)", "S(0)"): ("all-to-all (S(1) -> S(0))", "all-to-all (S(0) -> S(1))"),
    ("redistribute", "S(1)", "S(1)"): ("no-op (S(1) -> S(1))", "no-op (S(1) -> S(1))"),
    # invariant_to_replicate "is convert(I, R)": "The local tensor is unchanged; the only
    # effect is that the backward will perform an all-reduce (P -> I)".
    ("invariant_to_replicate", "I", "R"): ("no-op (I -> R)", "all-reduce (P -> I)"),
    # shard(src, S(i)) "is convert(src, S(i))"; unshard(S(i), dst) "is all_gather(S(i), dst)".
    ("shard", "R", "S(0)"): ("local slice (R -> S(0))", "zero padding (S(0) -> P)"),
    ("shard", "R", "S(1)"): ("local slice (R -> S(1))", "zero padding (S(1) -> P)"),
    ("shard", "I", "S(0)"): ("local slice (I -> S(0))", "all-gather (S(0) -> I)"),
    ("shard", "I", "S(1)"): ("local slice (I -> S(1))", "all-gather (S(1) -> I)"),
    ("shard", "V", "S(0)"): ("no-op (V -> S(0))", "no-op (S(0) -> V)"),
    ("shard", "V", "S(1)"): ("no-op (V -> S(1))", "no-op (S(1) -> V)"),
    ("shard", "S(0)", "S(0)"): ("no-op (S(0) -> S(0))", "no-op (S(0) -> S(0))"),
    ("shard", "S(1)", "S(1)"): ("no-op (S(1) -> S(1))", "no-op (S(1) -> S(1))"),
    ("unshard", "S(0)", "R"): ("all-gather (S(0) -> R)", "reduce-scatter (P -> S(0))"),
    ("unshard", "S(0)", "I"): ("all-gather (S(0) -> I)", "local slice (I -> S(0))"),
    ("unshard", "S(1)", "R"): ("all-gather (S(1) -> R)", "reduce-scatter (P -> S(1))"),
    ("unshard", "S(1)", "I"): ("all-gather (S(1) -> I)", "local slice (I -> S(1))"),
}
# fmt: on

# What a reinterpret does to the value the tensor stands for (the reinterpret docstring):
# "reinterpret(R,V) ... Makes N copies of the input"; "reinterpret(V,P) ... Semantically does a
# sum"; "reinterpret(R,P) ... scales the value by axis size", and so do I -> V and I -> P
# ("the resulting tensor has been scaled by the mesh axis size").
SCALED = "the value is scaled by the axis size (the equal copies are now summed)"
NOTES = {
    ("reinterpret", "R", "V"): "the ranks' copies now count as different values",
    ("reinterpret", "I", "V"): "the ranks' copies now count as different values",
    ("reinterpret", "V", "P"): "the value becomes the sum of the ranks' values",
    ("reinterpret", "R", "P"): SCALED,
    ("reinterpret", "I", "P"): SCALED,
}


def _accepted_by_checker() -> set[tuple[str, str, str]]:
    accepted = set()
    for function, signature in coll.SIGNATURES.items():
        for (s, src), (d, dst) in itertools.product(TYPES.items(), repeat=2):
            if signature.fixed and (src, dst) != (signature.src, signature.dst):
                continue
            try:
                coll.validate_arguments(function, src, dst, expert_mode=True)
            except RuleViolation:
                continue
            accepted.add((function, s, d))
    return accepted


def test_table_covers_every_pair_the_checker_accepts() -> None:
    assert _accepted_by_checker() == set(EXPECTED)


@pytest.mark.parametrize(("key", "texts"), sorted(EXPECTED.items()), ids=lambda v: str(v))
def test_forward_and_backward_text(key: tuple[str, str, str], texts: tuple[str, str]) -> None:
    function, s, d = key
    src, dst = TYPES[s], TYPES[d]
    assert (coll.forward_text(function, src, dst), coll.backward_text(function, src, dst)) == texts
    assert coll.value_note(function, src, dst) == NOTES.get(key)


def test_pairs_are_what_the_runtime_accepts() -> None:
    """Every function run on every pair by the runtime itself (under a fake process group):
    it raises ValueError exactly on the pairs the table leaves out."""
    torch = pytest.importorskip("torch")
    spmd = pytest.importorskip("spmd_types")
    from tests.conformance.judge import ensure_process_group

    ensure_process_group(4)
    import torch.distributed as dist

    group = dist.group.WORLD
    runtime_types = {"R": spmd.R, "I": spmd.I, "V": spmd.V, "P": spmd.P}
    runtime_types |= {"S(0)": spmd.S(0), "S(1)": spmd.S(1)}
    accepted = set()
    for function, signature in coll.SIGNATURES.items():
        call = getattr(spmd, function)
        for s, d in itertools.product(TYPES, repeat=2):
            if signature.fixed:
                if (TYPES[s], TYPES[d]) != (signature.src, signature.dst):
                    continue
                kwargs = {}
            else:
                kwargs = {"src": runtime_types[s], "dst": runtime_types[d]}
                if function in ("convert", "reinterpret"):
                    kwargs["expert_mode"] = True
            try:
                call(torch.ones(4, 4), group, **kwargs)  # dim 0 = the axis size: stackable
            except ValueError:
                continue
            accepted.add((function, s, d))
    assert accepted == set(EXPECTED)
