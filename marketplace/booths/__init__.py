"""Booths: venues and booth maps, markets and market days, applications, fair allocation,
assignments, fees and subsidies, and check-in on the day.

- `models/` — the tables, one module per noun (venues, markets, applications, assignments).
- `services/` — the use cases, one module per noun (see its docstring for the list and the
  order in which they import each other); no module imports one that imports it.
- `allocation` — the pure allocation engine; `schedule` — market days and booth neighbours,
  pure too. The services build the engine's input and store its output.
- `queries`, `policies`, `schemas`, `forms`, `labels`, `views`, `api`, `cli` — as in every
  domain package.
"""
