"""EmProx's encoder-decoder, in a module of its own so that :mod:`.emprox` imports torch only on the first fit.

A class at module level, not one defined inside a function: a fitted EmProx predictor holding it pickles (joblib
saving it stopped at "Can't pickle local object '_build_model.<locals>.EncoderDecoder'").
"""
from __future__ import annotations

import torch
from torch import nn

from .emprox import START


class EncoderDecoder(nn.Module):
    """Embedding → LSTM encoder (mean of outputs = the architecture embedding) → LSTM decoder."""

    def __init__(self, vocab_size: int, dim: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.encoder = nn.LSTM(dim, dim, batch_first=True)
        self.decoder = nn.LSTM(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, vocab_size)
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 1))
        self.log_scale = nn.Parameter(torch.zeros(()))  # sharpness of the soft neighbour weights

    def encode(self, tokens: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.encoder(self.embed(tokens))
        return outputs.mean(dim=1)

    def reconstruction_loss(self, tokens: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        """Teacher-forced decoding from the embedding alone (no attention: it must carry everything)."""
        shifted = torch.cat([torch.full_like(tokens[:, :1], START), tokens[:, :-1]], dim=1)
        state = (embedding.unsqueeze(0).contiguous(), torch.zeros_like(embedding).unsqueeze(0))
        outputs, _ = self.decoder(self.embed(shifted), state)
        logits = self.out(outputs)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens.reshape(-1))
