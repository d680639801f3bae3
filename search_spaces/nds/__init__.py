"""The NDS cell design spaces (Radosavovic et al., 2019): DARTS, ENAS, PNAS, NASNet and Amoeba."""
