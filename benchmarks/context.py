"""What every figure gets: the clinic, the patient to open, a scratch folder, the run count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.clinic import ClinicCache, LongPatient


@dataclass
class Context:
    quick: bool
    runs: int
    """Measurements per side of a figure (the medians are taken over these)."""
    cache: ClinicCache
    journal: Path
    """The cached clinic: only read, never written (figures that write use a copy)."""
    long: LongPatient
    patients_listed: int
    work: Path
    """A scratch folder, removed after the run."""
    env: dict[str, str]
    """Environment of child processes: offscreen Qt, settings in the scratch folder."""
    say: Callable[[str], object]

    @property
    def warmup(self) -> int:
        return 0 if self.quick else 1
