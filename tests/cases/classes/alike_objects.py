# Objects built alike are still separate objects: what one call writes to one of them,
# or to what it holds, never reaches the other (the checker shares the analysis of calls
# on objects that look the same, only where that changes nothing the code can see).
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Holder:
    def __init__(self, t):
        self.t = t

    def load(self, t):
        self.t = t

    def act(self):
        return torch.relu(self.t)


class Wrapper:
    def __init__(self, inner):
        self.inner = inner


class Tied:
    def __init__(self, t):
        shared = Holder(t)
        self.left = shared
        self.right = shared


class Pair:
    def __init__(self, t):
        self.h = Holder(t)

    def holder(self):
        return self.h


class Factory:
    def __init__(self, t):
        self.t = t
        self.part = None

    def make(self):
        self.part = Holder(self.t)
        return self.part

    def fresh(self):
        self.part = None
        return Holder(self.t)


def make_holder(t):
    return Holder(t)


def make_tied(t):
    shared = Holder(t)
    return shared, Wrapper(shared)


class Registry:
    last = None

    def note(self, t):
        Registry.last = t


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    p = torch.randn(8)
    spmd.assert_type(p, {"dp": R, "tp": P})

    # a method that writes its object: each object gets its own write
    a = Holder(p)
    b = Holder(p)
    a.load(r)
    b.load(r)
    reveal_type(b.act())  # T: {dp: R, tp: R}

    # a constructor that keeps an object it was given keeps that one
    h1 = Holder(p)
    h2 = Holder(p)
    w1 = Wrapper(h1)
    w2 = Wrapper(h2)
    h2.load(r)
    reveal_type(w2.inner.t)  # T: {dp: R, tp: R}
    reveal_type(w1.inner.t)  # T: {dp: R, tp: P}

    # one object held twice is one object, in every construction
    t1 = Tied(p)
    t1.left.load(r)
    t2 = Tied(p)
    reveal_type(t2.left.t)  # T: {dp: R, tp: P}
    t2.left.load(r)
    reveal_type(t2.right.t)  # T: {dp: R, tp: R}
    reveal_type(t1.right.t)  # T: {dp: R, tp: R}

    # a method that returns an object it holds returns its own
    p1 = Pair(p)
    p2 = Pair(p)
    p1.holder()
    p2.holder().load(r)
    reveal_type(p2.h.t)  # T: {dp: R, tp: R}
    reveal_type(p1.h.t)  # T: {dp: R, tp: P}

    # a method that writes a class attribute writes it at every call
    g1 = Registry()
    g2 = Registry()
    g1.note(p)
    Registry.last = r
    g2.note(p)
    reveal_type(Registry.last)  # T: {dp: R, tp: P}

    # a method that reads a module-level name reads it as it is at each call
    SCALE = r

    class Scaled:
        def __init__(self, w):
            self.w = w

        def out(self):
            return self.w * SCALE

    s1 = Scaled(r)
    s2 = Scaled(r)
    reveal_type(s1.out())  # T: {dp: R, tp: R}
    SCALE = p
    reveal_type(s2.out())  # T: {dp: R, tp: P}

    # a call that builds a new object each time gives a new object each time, even where
    # the object it holds looks the same after as before
    f = Factory(r)
    m1 = f.make()
    m2 = f.make()
    m3 = f.make()
    m3.load(p)
    reveal_type(m2.t)  # T: {dp: R, tp: R}
    reveal_type(m3.t)  # T: {dp: R, tp: P}
    n1 = f.fresh()
    n2 = f.fresh()
    n3 = f.fresh()
    n3.load(p)
    reveal_type(n2.t)  # T: {dp: R, tp: R}

    # a function that builds and returns new objects gives new ones at each call
    k1 = make_holder(r)
    k2 = make_holder(r)
    k3 = make_holder(r)
    k2.load(p)
    reveal_type(k1.t)  # T: {dp: R, tp: R}
    reveal_type(k2.t)  # T: {dp: R, tp: P}
    reveal_type(k3.t)  # T: {dp: R, tp: R}
    e1, v1 = make_tied(r)
    e2, v2 = make_tied(r)
    e2.load(p)
    reveal_type(v2.inner.t)  # T: {dp: R, tp: P}
    reveal_type(v1.inner.t)  # T: {dp: R, tp: R}
