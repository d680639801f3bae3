"""TransNAS-Bench-101 building blocks: architecture codes, the macro rule and the benchmark networks."""
