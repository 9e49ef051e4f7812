"""unittest suite of models/avmt (run from the repository root:
/usr/bin/python3 -m unittest discover -s models -p 'test_*.py' -t .)."""
