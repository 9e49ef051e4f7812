"""Network hyper-parameters in one frozen record, stored in every checkpoint so that evaluation and export
rebuild exactly the trained shape without repeating command-line flags."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

Variant = Literal['mt-vgg', 'mt-vgg-rnn', 'av-mt-vgg-rnn']
ExprHead = Literal['softmax', 'arcface']
VARIANTS: tuple[Variant, ...] = ('mt-vgg', 'mt-vgg-rnn', 'av-mt-vgg-rnn')
EXPR_HEADS: tuple[ExprHead, ...] = ('softmax', 'arcface')

FACE_SIZE = 96  # the paper's input size; the server crops to it
VGG_FC = 4096   # VGG-FACE's fc6 width at width 1.0
AUDIO_EMBED = 512  # audio stream's FC width at width 1.0 (our choice; the visual FC stays dominant as in the paper)


def scaled(channels: int, width: float) -> int:
    """Channel count under the width multiplier; never below 1 so tiny test variants still build."""
    return max(1, int(round(channels * width)))


@dataclass(frozen=True)
class ModelConfig:
    """Shape of one network. `width` scales every conv and the FC widths (unless given explicitly);
    the GRU stays at 128 units because the streaming export's state [2, N, 128] is part of its contract."""

    variant: Variant = 'av-mt-vgg-rnn'
    width: float = 1.0
    fc_width: int | None = None
    audio_embed: int | None = None
    gru_hidden: int = 128
    gru_layers: int = 2
    expr_head: ExprHead = 'softmax'
    arc_margin: float = 0.5
    arc_scale: float = 30.0
    audio_window_ms: int = 1000

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f'variant must be one of {VARIANTS}, got {self.variant!r}')
        if self.expr_head not in EXPR_HEADS:
            raise ValueError(f'expr_head must be one of {EXPR_HEADS}, got {self.expr_head!r}')
        if self.width <= 0:
            raise ValueError('width must be > 0')
        if self.audio_window_ms < 160:
            raise ValueError('audio_window_ms must be >= 160 (the audio CNN pools time 4 times: T >= 16)')

    @property
    def recurrent(self) -> bool:
        return self.variant != 'mt-vgg'

    @property
    def audio(self) -> bool:
        return self.variant == 'av-mt-vgg-rnn'

    @property
    def visual_fc(self) -> int:
        return self.fc_width if self.fc_width is not None else scaled(VGG_FC, self.width)

    @property
    def audio_fc(self) -> int:
        return self.audio_embed if self.audio_embed is not None else scaled(AUDIO_EMBED, self.width)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> 'ModelConfig':
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})
