"""The paper's network, one module per part: visual trunk, audio stream, ArcFace head, multi-task heads."""
from .model import AffectNet, StepOutput, SequenceOutput, build_model

__all__ = ['AffectNet', 'StepOutput', 'SequenceOutput', 'build_model']
