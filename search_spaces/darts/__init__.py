"""DARTS / NAS-Bench-301 (Liu et al., ICLR 2019; Siems et al., 2020): the cell pair, its network and its benchmark
table."""
