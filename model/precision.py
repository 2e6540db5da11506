"""When the forward runs in bf16: one answer for training, evaluation, serving and benchmarks.

bf16 autocast halves the forward time on CPUs with native bf16 (AVX512-BF16, AMX). Without native
support oneDNN emulates bf16 and is slower than fp32, so "auto" uses it only where native.
"""

from __future__ import annotations

import torch

from model.defaults import PRECISIONS


def native_bf16() -> bool:
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, check, lambda: False)() for check in checks)


def uses_bf16(precision: str, device: torch.device | str = "cpu") -> bool:
    """Whether to autocast the forward to bf16: "bf16" always, "auto" on CPUs with native bf16."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    return precision == "bf16" or (precision == "auto" and torch.device(device).type == "cpu" and native_bf16())
