"""Custom actions of the Cité des Métiers assistant, served by `rasa run actions --actions actions`.

- `knowledge`: the knowledge file (load, validate, look up, normalise French text); no Rasa in it.
- `knowledge_store`: the knowledge loaded once per process.
- `topic_registry`: the topics, declared once (id, intent, button titles, how answered), and the other buttons'
  titles; no Rasa in it. `topics` makes each topic's action from it.
- `wording`, `wording_en`: the French and English templates of the actions' replies, both of the type
  `wording_type.Wording`; `replies`: formatting of facts to fill them.
- `topics`, `centres`, `labels`, `about`, `needs`, `unknowns`, `details`, `referrals`, `followups`, `fallback`: the
  actions, one module per concern; `questions`: the conversation so far, read from the tracker's events.
- `fact_search`: the search over the facts (no Rasa); `search`: its action, first step when the NLU is unsure;
  `not_held`: the honest answer to a detail a thing holds no fact for.
- `feedback`: the 👍 / 👎 buttons under the answers with facts (`AnswerAction`), and the reply to a rating.
- `startup`: refuses to start the action server on a broken knowledge file.
"""
