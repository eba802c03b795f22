"""Reports: what sold, who works, which booths are used and what buyers look for (issue 19).

Reads every domain and writes only its own rows (the staff-kept term → skill mapping). One
module per report, each with a pure part that turns rows into figures:

- `periods` — Jalali months and weeks in Persian, Gregorian in English, and the period before;
- `scope` — who sees what: a trainee their own, centre staff their centre's trainees, municipal
  staff their markets and venues, the admin everything;
- `tables` — the one table shape every report gives (page, API, CSV and XLSX read it);
- `charts` — bar charts as server-built SVG geometry (right to left in Persian);
- `exports` — CSV and XLSX (openpyxl) of a table;
- `sales`, `needs`, `booth_use`, `employment`, `platform` — the reports;
- `skills` — the term → trade/skill mapping staff keep (`models.TermSkill`);
- `summary` — each past day's sales added up ahead (`flask summarise-sales`, a maintenance
  command; writes mark the days they touch), so the sales report is fast at real size;
- `headlines` — each role's headline figure on the home page (/my), given to storefront;
- `cli` — `flask prune-search-log` (the search log's retention period), `flask
  summarise-sales`.
"""
