"""Zero-cost proxies: cheap scores of an untrained network that rank architectures.

Each proxy is a function ``(net, inputs, targets) -> float`` registered by name with
:func:`register_proxy` (:mod:`nasloop.engine.proxy_registry`, which imports this package's modules of built-in
proxies when one is looked up); users add their own the same way (or through the ``nasloop.proxies``
entry-point group). Scoring is :mod:`nasloop.engine.proxy_scoring`; both sit below the evaluators, since the run
context asks them. ``net`` is a freshly initialised network owned by the proxy (it may modify it),
``inputs`` a normalised NCHW mini-batch and ``targets`` its int64 labels. A proxy registered with
``needs_data=False`` reads only the batch's shape, so it also works for datasets whose images
nasloop cannot load.

The definitions follow the papers, with the conventions NAS-Bench-Suite-Zero (Krishnakumar et al.,
2022) used to score NAS-Bench-201, so our scores rank cells as its published ones do: networks in
train mode (BatchNorm normalises with the batch's own statistics), cross-entropy loss, one
mini-batch, per-layer sums over the weights of every Conv2d and Linear layer.

* synflow (Tanaka et al. 2020, Abdelfattah et al. 2021): BatchNorm bypassed, weights replaced by
  their absolute values, one all-ones input in float64; sum over weights of |w * dR/dw| with R the
  summed output. Reported as its natural log (as NAS-Bench-Suite-Zero stores it): the raw sum
  spans dozens of orders of magnitude.
* snip: sum |w * dL/dw|. grad_norm: sum over layers of ||dL/dW||. plain: sum w * dL/dw.
* grasp: sum of -w * (H g), g the loss gradient and H the Hessian, by a Hessian-vector product.
* fisher: per output channel of each layer, half the batch mean of (sum over positions of
  activation * its gradient)^2, counted once per weight of that channel (the per-weight arrays
  the zero-cost reference sums).
* jacov: -sum(log(v + k) + 1/(v + k)) over the eigenvalues v of the correlation matrix of the
  per-image input gradients of the summed output (k = 1e-5).
* nwot (Mellor et al. 2021): log-determinant of the kernel counting, for each pair of images, the
  ReLUs that both fire or both stay off.
* epe_nas (Lopes et al. 2021): per class, sum log(|corr| + k) of the input-gradient correlations
  of that class's images; the score is the sum of their absolute values (classes <= 100) or the
  mean pairwise difference between classes (more classes).
* zen (Lin et al. 2021): Gaussian weights (BatchNorm affine reset), Gaussian inputs x and
  x + 0.01 * e with fixed seeds, BatchNorm in train mode; log of the batch mean of the L1
  distance between the two feature maps entering global average pooling, plus the log standard
  deviation of every BatchNorm layer, read from its running variance after the two passes as
  the Zen-NAS reference implementation (and NAS-Bench-Suite-Zero) does.
* meco (Jiang et al., NeurIPS 2023): one image through the network; for every module's output feature
  map, the smallest eigenvalue of the correlation matrix between its channels, summed over modules
  (containers included, as its reference hooks every module; a 1x1 map or a constant channel adds 0).
  Not among NAS-Bench-Suite-Zero's 13: on 150 random NB201 cells it reached Spearman 0.91 with the
  CIFAR-10 validation accuracy, where synflow reached 0.78.
* zico (Li et al., ICLR 2023): the batch split in two halves, each half's weight gradients on its own; per
  layer, the log of the sum over its weights of mean|g| / std(g) across the halves, summed over layers.
* swap (Peng et al., ICLR 2024): the number of distinct sample-wise activation patterns, a pattern being the
  vector over the batch's first 16 images (the authors' batch) of whether one ReLU output value fires (the plain
  score, not the regularised one, which needs a parameter-count target).
* az_expressivity, az_progressivity, az_trainability (Lee & Ham, AZ-NAS, CVPR 2024; :mod:`.az_nas`): read from the
  feature maps of the network's blocks (:mod:`.blocks`, found from the calls its forward makes, any space alike) on
  Gaussian noise after a Kaiming re-initialisation, as the authors' code does: the sum of each block's entropy of
  its channels' covariance spectrum, the smallest rise of it from one block to the next, and the mean over blocks
  of 2 - s - 1/s, s the spectral norm of a block's gradient map. AZ-NAS's fourth proxy, complexity, is flops; its
  ranking of a population (the sum of the four proxies' log ranks) is no per-network score.
* l2_norm: sum over layers of ||W||. params: parameter count (millions). flops: multiply-adds of
  one image (millions), counted with the per-layer rules of the torchstat counter that
  NAS-Bench-Suite-Zero used (see :mod:`nasloop.search_spaces.nb201.cost`, which it matches).

Scores that come out NaN or infinite (a network with no path from input to output has zero
synflow and zen, for instance) are reported as failures with a reason, never raised. Every proxy that reads the
images (registered with ``needs_data``, the default) is undefined for a network whose output does not depend on its
input, by one rule of the scoring (``output_ignores_input``), not each proxy's own: swap, meco, nwot and the
gradient saliencies still find a value there in branches that reach no output, or in the labels alone.
"""
from __future__ import annotations

from ...proxy_registry import PROXIES, Proxy, get_proxy, proxy_names, register_proxy, resolve
from ...proxy_scoring import (ProxyScores, computed_scorer, dataset_shape, minibatch, proxy_vectors,
                              score_architectures, score_network)
from ...space_networks import require_networks

__all__ = ["PROXIES", "Proxy", "ProxyScores", "computed_scorer", "dataset_shape", "get_proxy", "minibatch",
           "proxy_names", "proxy_vectors", "register_proxy", "require_networks", "resolve", "score_architectures",
           "score_network"]
