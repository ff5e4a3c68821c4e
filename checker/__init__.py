"""spmd_check: static SPMD type checking for code written against spmd_types.

Layers, each depending only on the ones before it: types and rules
(``lattice``, ``rules``, ``optable``, ``collectives``, ``codes``), the front
end (``frontend``, ``names``), inference (``values``, ``state``, ``sink``,
``spelling``, ``evaluator``, ``ops``, ``spmd_api``, ``python_api``,
``journal``, ``infer``), and the public entry points (``analysis``, ``cli``).
Nothing here imports torch.
"""

__version__ = "0.1.0"
