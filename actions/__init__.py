"""Custom actions of the Cité des Métiers assistant, served by `rasa run actions --actions actions`.

What each module does: docs/architecture.md (the one folder map) and each module's own docstring.
"""
