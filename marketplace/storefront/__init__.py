"""Virtual stores: public store pages per trainee and per centre, the home page, booth signs
and QR codes.

Storefront has no tables of its own; it sits above the domains and reads them directly
(accounts, catalogue, booths: a store page shows where its trainee has a booth coming up).
"""
