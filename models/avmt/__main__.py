"""`python3 -m models.avmt ...` entry point; the commands live in cli.py."""
import sys

from .cli import main

sys.exit(main())
