"""NAS-Bench-201 (Dong & Yang, ICLR 2020): the space, its network, its cost counter and its benchmark table."""
from .benchmark import NB201Benchmark
from .space import NB201Space

__all__ = ["NB201Space", "NB201Benchmark"]
