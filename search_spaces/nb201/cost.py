"""Exact parameter and FLOP counts of NAS-Bench-201 networks, without building them.

The network is the one :func:`nasloop.search_spaces.nb201.network.build_nb201_network` builds:
a conv3x3 + BN stem, three stages of ``cells_per_stage`` cells at C, 2C and 4C channels with a
ResNet basic block (stride 2, avgpool + conv1x1 shortcut) between stages, then BN, ReLU, global
average pooling and a linear classifier. Cell op indices are into
``("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")``.

Both counts are per sample and in millions, the units of the benchmark's ``params`` and
``flops``. Parameters count every weight, with affine BatchNorm everywhere (2 per channel), no
conv biases and a biased classifier; that is NAS-Bench-201's own count. FLOPs follow the
per-layer rules of the torchstat counter (through tensorwatch) that NASLib used to record the
``flops`` of the NB201 cells in its zero-cost proxy files:

* Conv2d: one multiply-add per weight per output position, k*k*C_in*C_out*H_out*W_out;
* BatchNorm2d (affine): 2 per input element; ReLU: 1 per input element;
* AvgPool2d(k): k*k per output element (3x3 cell pooling and the 2x2 shortcut pooling alike);
* AdaptiveAvgPool2d(1): C*(H+1)*(W+1), the counter's window rule, not C*H*W;
* Linear: in*out, its bias not counted;
* identity, zero ops and the additions that merge edges: nothing.

Everything is a polynomial in the per-stage op counts, so all 15,625 cells take milliseconds.
"""
from __future__ import annotations

import numpy as np

NUM_OPS = 5
NUM_EDGES = 6
CONV1X1, CONV3X3, AVG_POOL = 2, 3, 4


def nb201_params_flops(
    cells: np.ndarray,
    num_classes: int = 10,
    input_size: int = 32,
    channels: int = 16,
    cells_per_stage: int = 5,
) -> tuple[np.ndarray, np.ndarray]:
    """Parameters and FLOPs, in millions, of the NB201 network of every row of ``cells``.

    ``cells`` is an (n, 6) integer array of op indices (a single cell of shape (6,) is accepted
    too). ``input_size`` is the side of the square input image (32 for CIFAR, 16 for
    ImageNet16-120) and must be divisible by 4, so that both halvings of the feature map are
    exact, as the residual reduction blocks need. Returns two float arrays of shape (n,).
    """
    ops = np.atleast_2d(np.asarray(cells))
    if ops.ndim != 2 or ops.shape[1] != NUM_EDGES:
        raise ValueError(f"cells must have shape (n, {NUM_EDGES}), got {np.shape(cells)}")
    if not np.issubdtype(ops.dtype, np.integer) or ((ops < 0) | (ops >= NUM_OPS)).any():
        raise ValueError(f"cell entries must be integer op indices in [0, {NUM_OPS})")
    if input_size <= 0 or input_size % 4:
        raise ValueError(f"input_size must be a positive multiple of 4, got {input_size}")
    if channels <= 0 or cells_per_stage < 0 or num_classes <= 0:
        raise ValueError("channels and num_classes must be positive, cells_per_stage non-negative")

    n_conv3 = np.count_nonzero(ops == CONV3X3, axis=1).astype(np.int64)
    n_conv1 = np.count_nonzero(ops == CONV1X1, axis=1).astype(np.int64)
    n_pool = np.count_nonzero(ops == AVG_POOL, axis=1).astype(np.int64)

    c, side = channels, input_size
    # stem: conv3x3 3->C, BN
    params = np.full(len(ops), 27 * c + 2 * c, dtype=np.int64)
    flops = np.full(len(ops), (27 * c + 2 * c) * side * side, dtype=np.int64)
    for stage in range(3):
        if stage:
            params += _reduction_params(c)
            flops += _reduction_flops(c, side)
            c, side = 2 * c, side // 2
        area = side * side
        # per ReLU -> Conv -> BN op: weights + BN affine; ReLU (1) and BN (2) per element
        params += cells_per_stage * (n_conv3 * (9 * c * c + 2 * c) + n_conv1 * (c * c + 2 * c))
        flops += cells_per_stage * area * c * (
            n_conv3 * (9 * c + 3) + n_conv1 * (c + 3) + n_pool * 9
        )
    # head: BN + ReLU, global average pooling, linear classifier
    params += 2 * c + c * num_classes + num_classes
    flops += 3 * c * side * side + c * (side + 1) ** 2 + c * num_classes
    return params / 1e6, flops / 1e6


def _reduction_params(c: int) -> int:
    """Weights of the ResNet basic block taking c channels to 2c."""
    conv_a = 9 * c * 2 * c + 2 * 2 * c
    conv_b = 9 * 2 * c * 2 * c + 2 * 2 * c
    shortcut = c * 2 * c
    return conv_a + conv_b + shortcut


def _reduction_flops(c: int, side: int) -> int:
    """FLOPs of the ResNet basic block taking (c, side, side) to (2c, side/2, side/2)."""
    out_area = (side // 2) ** 2
    conv_a = c * side * side + (9 * c * 2 * c + 2 * 2 * c) * out_area  # ReLU on the input
    conv_b = (2 * c + 9 * 2 * c * 2 * c + 2 * 2 * c) * out_area
    shortcut = (4 * c + c * 2 * c) * out_area  # 2x2 average pool, then conv1x1
    return conv_a + conv_b + shortcut
