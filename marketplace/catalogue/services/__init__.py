"""Catalogue use cases, one module per noun; import the module that holds a function, never this
package. Each module imports only those listed above it:

- `stock` — stock taken when an order is placed and given back (used by orders and checkout).
- `listing_data` — a listing's data (`ListingData`, which the editor form and the API schema
  give), its limits, and the rules that need the database: the category, attribute values
  against its definitions and their bounds; writing the values.
- `access` — looking up a listing for an actor (owner, reviewer, anyone).
- `workflow` — the listing workflow: submit, approve, reject, pause, resume, archive, and the
  status and action labels.
- `images` — a listing's photos and their stored files.
- `products` — creating, changing and deleting a listing.
- `categories` — categories and attribute definitions (admins).

Functions take the acting user first, check the policy, change rows and flush; the caller
commits. Someone else's listing is reported as missing (404), never as forbidden. The search
key is written by `catalogue.search_index`, the search log by `catalogue.search_log`.
"""
