"""NAGO: the hierarchical random-graph network generator space (Ru et al., NeurIPS 2020)."""
