"""Templates of ordinary Python that never touches spmd_types: data loading, configuration,
logging. Every real workspace has such modules; the server's scan must skip them cheaply."""

from __future__ import annotations

import random

from bench.templates import Unit

PLAIN_IMPORTS = [
    "import dataclasses",
    "import json",
    "import logging",
    "import math",
    "import os",
    "import time",
    "from collections import defaultdict",
    "from collections.abc import Iterator",
]


def config_class(rng: random.Random, i: int) -> Unit:
    name = f"{rng.choice(['Data', 'Optimizer', 'Schedule', 'Checkpoint', 'Logging'])}Config{i}"
    fields = rng.sample(
        [
            ("batch_size", "int", "8"),
            ("seq_length", "int", "2048"),
            ("learning_rate", "float", "3e-4"),
            ("warmup_steps", "int", "2000"),
            ("weight_decay", "float", "0.1"),
            ("path", "str", '"/data/shards"'),
            ("num_workers", "int", "4"),
            ("seed", "int", "1234"),
            ("log_every", "int", "10"),
            ("save_every", "int", "1000"),
        ],
        k=rng.randint(4, 8),
    )
    lines = [
        "@dataclasses.dataclass",
        f"class {name}:",
        f'    """Settings read from the command line or a JSON file (unit {i})."""',
        "",
        *[f"    {field}: {kind} = {default}" for field, kind, default in fields],
        "",
        "    def validate(self):",
        "        for field in dataclasses.fields(self):",
        "            value = getattr(self, field.name)",
        "            if isinstance(value, (int, float)) and value < 0:",
        '                raise ValueError(f"{field.name} must not be negative, got {value}")',
        "        return self",
        "",
        "    @classmethod",
        "    def from_json(cls, path):",
        "        with open(path, encoding='utf-8') as handle:",
        "            raw = json.load(handle)",
        "        known = {field.name for field in dataclasses.fields(cls)}",
        "        unknown = sorted(set(raw) - known)",
        "        if unknown:",
        '            logging.getLogger(__name__).warning("ignored settings: %s", unknown)',
        "        return cls(**{key: value for key, value in raw.items() if key in known}).validate()",
    ]
    return Unit(lines, name, "plain")


def sampler_class(rng: random.Random, i: int) -> Unit:
    name = f"ShardedSampler{i}"
    lines = [
        f"class {name}:",
        f'    """Yields the indices of this data-parallel rank\'s share of each epoch (unit {i})."""',
        "",
        "    def __init__(self, size, rank, world_size, shuffle=True, seed=0):",
        "        if not 0 <= rank < world_size:",
        '            raise ValueError(f"rank {rank} outside [0, {world_size})")',
        "        self.size = size",
        "        self.rank = rank",
        "        self.world_size = world_size",
        "        self.shuffle = shuffle",
        "        self.seed = seed",
        "        self.epoch = 0",
        "",
        "    def __len__(self):",
        "        return math.ceil(self.size / self.world_size)",
        "",
        "    def set_epoch(self, epoch):",
        "        self.epoch = epoch",
        "",
        "    def __iter__(self) -> Iterator[int]:",
        "        order = list(range(self.size))",
        "        if self.shuffle:",
        "            state = (self.seed + self.epoch) * 6364136223846793005 + 1",
        "            for j in range(len(order) - 1, 0, -1):",
        "                state = (state * 6364136223846793005 + 1442695040888963407) % 2**64",
        "                k = state % (j + 1)",
        "                order[j], order[k] = order[k], order[j]",
        "        padded = order + order[: len(self) * self.world_size - len(order)]",
        "        yield from padded[self.rank :: self.world_size]",
    ]
    return Unit(lines, name, "plain")


def timer_class(rng: random.Random, i: int) -> Unit:
    name = f"Timers{i}"
    lines = [
        f"class {name}:",
        f'    """Named wall-clock timers for the training log (unit {i})."""',
        "",
        "    def __init__(self):",
        "        self.started = {}",
        "        self.totals = defaultdict(float)",
        "        self.counts = defaultdict(int)",
        "",
        "    def start(self, name):",
        "        self.started[name] = time.perf_counter()",
        "",
        "    def stop(self, name):",
        "        begun = self.started.pop(name, None)",
        "        if begun is None:",
        '            raise KeyError(f"timer {name} was not started")',
        "        self.totals[name] += time.perf_counter() - begun",
        "        self.counts[name] += 1",
        "",
        "    def report(self, names=None):",
        "        parts = []",
        "        for name in sorted(names or self.totals):",
        "            mean = self.totals[name] / max(1, self.counts[name])",
        '            parts.append(f"{name}: {1000 * mean:.1f} ms")',
        '        return " | ".join(parts)',
    ]
    return Unit(lines, name, "plain")


def parse_function(rng: random.Random, i: int) -> Unit:
    name = f"parse_{rng.choice(['schedule', 'ranges', 'mixture', 'blend'])}_{i}"
    lines = [
        f"def {name}(spec):",
        f'    """"a:0.3,b:0.7" -> {{"a": 0.3, "b": 0.7}}, normalised to sum to 1 (unit {i})."""',
        "    weights = {}",
        '    for part in filter(None, (p.strip() for p in spec.split(","))):',
        '        key, sep, value = part.partition(":")',
        "        if not sep:",
        '            raise ValueError(f"expected NAME:WEIGHT, got {part!r}")',
        "        weights[key.strip()] = float(value)",
        "    total = sum(weights.values())",
        "    if total <= 0:",
        '        raise ValueError("the weights must sum to a positive number")',
        "    return {key: value / total for key, value in weights.items()}",
    ]
    return Unit(lines, name, "plain")


def stats_function(rng: random.Random, i: int) -> Unit:
    name = f"summarise_{i}"
    lines = [
        f"def {name}(values, window=100):",
        f'    """Mean, min, max and the mean of the last ``window`` values (unit {i})."""',
        "    if not values:",
        '        return {"mean": math.nan, "min": math.nan, "max": math.nan, "recent": math.nan}',
        "    recent = values[-window:]",
        "    return {",
        '        "mean": sum(values) / len(values),',
        '        "min": min(values),',
        '        "max": max(values),',
        '        "recent": sum(recent) / len(recent),',
        "    }",
    ]
    return Unit(lines, name, "plain")


def files_function(rng: random.Random, i: int) -> Unit:
    name = f"list_shards_{i}"
    lines = [
        f'def {name}(root, suffix=".bin"):',
        f'    """The data shards under root, sorted, with their sizes (unit {i})."""',
        "    found = []",
        "    for folder, _, names in os.walk(root):",
        "        for entry in sorted(names):",
        "            if entry.endswith(suffix):",
        "                path = os.path.join(folder, entry)",
        "                found.append((path, os.path.getsize(path)))",
        "    return sorted(found)",
    ]
    return Unit(lines, name, "plain")


PLAIN_UNITS = (
    config_class,
    sampler_class,
    timer_class,
    parse_function,
    stats_function,
    files_function,
)


def plain_unit(rng: random.Random, i: int) -> Unit:
    return rng.choice(PLAIN_UNITS)(rng, i)
