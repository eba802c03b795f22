"""Orders use cases, one module per noun. Functions flush and never commit; the caller (a view,
an API method, a command) commits once.

- `cart`: the buyer's cart (find, add, change, merge at login, empty, stale guest carts);
- `shipping_rates`: a trainee's flat shipping fee;
- `orders`: an order's life — paid, held for pay at pickup, paid at pickup (the payment
  outcomes, called by payments only), expired, cancelled;
- `fulfilment`: a trainee moves their vendor order (ready, shipped, handed over, cancelled);
- `refunds`: a refund recorded on a vendor order (payments moves the money);
- `transitions`: the conditional status UPDATEs and stock return the others build on;
- `mail`: mail about orders, sent after the commit;
- `pickups`: pickups that follow their booth (booths' `booth_day_lost` marks them disrupted;
  the buyer rebooks or switches to shipping) and the handover code;
- `pickup_notices`: what buyers and trainees are told about those pickups (mail, SMS).

Placing an order lives in `checkout.services.place_order` (it orchestrates catalogue and orders).
"""
