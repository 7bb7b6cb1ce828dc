"""Without PyTorch, to_torch and from_torch say in one line how to install it (in process)."""

from __future__ import annotations

import re
import sys

import pytest

from engine.interop import from_torch, to_torch
from engine.nn import MLP

MESSAGE = (
    "engine.interop needs PyTorch, which is not installed: "
    'pip install "microgui-sandbox[torch]" (or pip install torch)'
)


@pytest.mark.parametrize("convert", [to_torch, from_torch], ids=["to_torch", "from_torch"])
def test_the_whole_install_message(monkeypatch, convert):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    with pytest.raises(ImportError, match=f"^{re.escape(MESSAGE)}$"):
        convert(MLP(2, [3, 1], seed=0))
