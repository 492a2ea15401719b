"""Custom actions of the Cité des Métiers assistant, served by `rasa run actions --actions actions`.

- `knowledge`: the knowledge file (load, validate, look up, normalise French text); no Rasa in it.
- `knowledge_store`: the knowledge loaded once per process.
- `replies`: French formatting of facts for the responses of `domain.yml`.
- `topics`, `centres`, `labels`, `about`, `fallback`: the actions, one module per concern.
- `startup`: refuses to start the action server on a broken knowledge file.
"""
