"""The Aff-Wild2 multi-task network (Kollias & Zafeiriou): MT-VGG, MT-VGG-RNN and A/V-MT-VGG-RNN, with an
optional ArcFace expression head, plus its Aff-Wild2 loader, training, evaluation and streaming ONNX export.

Run `/usr/bin/python3 -m models.avmt --help` (Debian's python3-torch; see models/avmt/README.md).
"""

__all__ = ['__version__']
__version__ = '0.1.0'
