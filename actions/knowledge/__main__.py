"""`python -m actions.knowledge [--stale] [FILE]`: see `actions.knowledge.cli`."""

from actions.knowledge.cli import main

# The action server imports every module of the package at start, this one too: only `-m` runs it.
if __name__ == "__main__":
    raise SystemExit(main())
