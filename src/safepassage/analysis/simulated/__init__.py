"""Simulated victim lists for evaluating linkage, made independently of the
linkage's own tables (see sources.py for the five conventions)."""

from safepassage.analysis.simulated.sources import SimulatedList, generate

__all__ = ["SimulatedList", "generate"]
