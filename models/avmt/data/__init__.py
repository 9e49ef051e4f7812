"""Aff-Wild2 in its released on-disk layout: annotations, frame images, audio, and fixed-length sequences."""
