"""Streaming ONNX export (one time step, GRU state in and out), its manifest, and reference data for
the Node equivalence test."""
