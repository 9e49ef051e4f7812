"""Python side of affectcast's models/ folder (a package only so `python3 -m models.avmt` and unittest
discovery from the repository root work; manifests and built files live beside it)."""
