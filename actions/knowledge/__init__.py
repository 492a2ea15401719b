"""The assistant's knowledge: load, validate, look up, and normalise French text.

Pure Python (PyYAML and pydantic), with no dependency on Rasa, so that it can be used and
tested on its own. The knowledge file is the single source of truth for every fact the bot says;
see `knowledge/cite_des_metiers.yml`.

One module per job, each name imported from the module that owns it (this file re-exports none):
- `topics`: the questions a list of facts answers (`Topic`);
- `schema`: the file's entries, as pydantic models (`Fact`, `Centre`, `Label`...);
- `text`: normalisation of French text (`normalise`, `strip_accents`);
- `lookup`: the name index, which finds the entries a visitor's words name;
- `base`: `Knowledge`, the validated file with the look-ups the actions need;
- `references`: the checks between entries that the schema cannot express;
- `loading`: read and validate a file (`load_knowledge`, `KnowledgeError`, `DEFAULT_KNOWLEDGE_FILE`);
- `sources`: the sources to check again (`stale_sources`);
- `cli`: the command line `python -m actions.knowledge [--stale] [FILE]` (`make validate`).
"""
