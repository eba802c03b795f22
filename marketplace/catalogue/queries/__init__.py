"""Catalogue reads, one module per noun; import the module that holds a function, never this
package. Read-only `select()` builders and pure calculations; each module imports only those
listed above it:

- `categories` — the category tree (shared by the requests of a process), inherited
  attributes, and the cities and centres the search filters offer.
- `listings` — public products and what their cards show, a product's page, a trainee's
  listings, the review queue; the largest ids, amounts and pages a query string may ask for.
- `search_params` — a search read from a query string (`parse_search` → `ProductSearch`):
  terms, number-and-unit phrases, attribute filters, what a term must match.
- `search` — running a search: the words matched against the search key (an FTS5 table on
  SQLite, a table of words on PostgreSQL), the filters, the page, the category facets. One
  algorithm, kept whole.
"""
