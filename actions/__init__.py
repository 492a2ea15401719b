"""Custom actions of the Cité des Métiers assistant, served by `rasa run actions --actions actions`.

- `knowledge`: the knowledge file (load, validate, look up, normalise French text); no Rasa in it.
- `knowledge_store`: the knowledge loaded once per process.
- `wording`: the French templates of the actions' replies; `replies`: formatting of facts to fill them.
- `topics`, `centres`, `labels`, `about`, `needs`, `unknowns`, `details`, `referrals`, `followups`, `fallback`: the
  actions, one module per concern; `questions`: the conversation so far, read from the tracker's events.
- `fact_search`: the search over the facts (no Rasa); `search`: its action, first step when the NLU is unsure;
  `not_held`: the honest answer to a detail a thing holds no fact for.
- `feedback`: the 👍 / 👎 buttons under the answers with facts (`AnswerAction`), and the reply to a rating.
- `startup`: refuses to start the action server on a broken knowledge file.
- `names`: the intent, entity and action names ops/ shares with the actions; imports nothing.
"""
