"""A parallel layout of one serving replica: tensor x pipeline x data accelerators, experts split `expert` ways.

Written `tp=8,pp=2,ep=16,dp=2` on the command line (`--parallelism`) and in scenario files
(`parallelism: tp=8,pp=2`); keys left out are 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from ai_costs.errors import InvalidInput

KEYS = {"tp": "tensor", "pp": "pipeline", "ep": "expert", "dp": "data"}


@dataclass(frozen=True, order=True)
class Layout:
    """tensor: ways each layer's matrices are split (and attention heads); pipeline: stages of consecutive
    layers; data: attention groups inside the replica, each with its own sequences (MoE only); expert: ways
    the routed experts of an MoE layer are split among the tensor x data accelerators of a stage."""

    tensor: int = 1
    pipeline: int = 1
    expert: int = 1
    data: int = 1

    @property
    def gpus(self) -> int:
        """Accelerators in the replica."""
        return self.tensor * self.pipeline * self.data

    @property
    def stage_gpus(self) -> int:
        """Accelerators holding one pipeline stage (its expert-parallel group)."""
        return self.tensor * self.data

    @property
    def label(self) -> str:
        """'tp=8,pp=2': the --parallelism spelling; degrees of 1 after tp are left out."""
        parts = [f"tp={self.tensor}"]
        parts += [f"{k}={v}" for k, v in (("pp", self.pipeline), ("ep", self.expert), ("dp", self.data)) if v > 1]
        return ",".join(parts)

    def to_dict(self) -> dict[str, int]:
        return {"tensor": self.tensor, "pipeline": self.pipeline, "expert": self.expert, "data": self.data}


def parse_layout(text: str, where: str = "--parallelism") -> Layout:
    """Parse 'tp=8,pp=2,ep=16,dp=1' (any order, keys tp/pp/ep/dp, each a positive integer)."""
    degrees: dict[str, int] = {}
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or key.lower() not in KEYS or not value.isdigit() or int(value) < 1:
            raise InvalidInput(
                f"{where} {text!r}: expected comma-separated degrees like 'tp=8,pp=2,ep=16,dp=1' "
                "(tp tensor, pp pipeline, ep expert, dp attention data parallel; positive integers)"
            )
        name = KEYS[key.lower()]
        if name in degrees:
            raise InvalidInput(f"{where} {text!r}: {key} is given twice")
        degrees[name] = int(value)
    if not degrees:
        raise InvalidInput(f"{where} is empty: give degrees like 'tp=8,pp=2'")
    return Layout(**degrees)
