"""Training and evaluation: masked multi-task loss, the paper's metrics, checkpoints, progress output."""
