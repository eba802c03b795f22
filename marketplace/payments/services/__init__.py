"""Payments use cases, one module per noun. Functions flush and never commit; the caller commits
once. Payments alone decides that an order is paid (payments.settle_payment,
payments.record_paid_order and pay_at_pickup.settle_pickup_order call down into
orders.services.orders; tests/payments/test_only_payments_pays.py keeps it so).

- `payments`: start a payment or pay at pickup, confirm with a test card, settle;
- `webhooks`: provider events and `flask reconcile-payments`;
- `refunds`: a vendor order's refund (through the order's payment, in cash, or through the
  part's shipping payment), and the automatic refund of a whole payment;
- `pay_at_pickup`: the trainee confirms the money taken at pickup; the order paid once no part
  waits;
- `ledger`: the rows every money movement posts;
- `booth_fees`: due booth fees charged to balances;
- `booth_sales`: a trainee's face-to-face sale at the booth, on checkout's stock statement,
  booked as money in hand (and the market's fee on sales, if it takes one);
- `pickup_changes`: the full refund of a pickup whose booth-day went away, and the handover
  with the buyer's code (a part paid at the booth is paid by it);
- `payouts`: payout accounts, payout batches;
- `split_settlement`: the trainees' shares the gateway settles to their Sheba at payment
  (Zarinpal's wages);
- `zarinpal`: the buyer's return from Zarinpal's page;
- `errors`: provider unavailable or refusing; `access`: who may move money on a vendor order;
  `locking`: row locks.

Idempotency keys come from our own ids and are stable across a rolled-back request, so a retry
of a request that failed half-way (Stripe answered 500, timed out, or the process died after
Stripe charged) reaches Stripe with the same key and gets the same PaymentIntent, refund or
transfer back instead of a second one:
- a payment: `order-<order number>-payment-<n>` (n-th payment row of the order);
- a server-side confirmation: `<payment key>-confirm-<attempt>`;
- a refund: `refund-<order number>-vo<vendor order id>-<n>`, or `refund-<payment key>` for the
  automatic refund of a whole payment, or `refund-<shipping payment key>-fee` for the shipping
  a buyer paid, given back when the part is refunded in full;
- a Connect transfer: `payout-<trainee id>-<digest of the ledger rows it pays>`.
Order numbers are random and unique, so keys never collide with those of an earlier database
(Stripe remembers keys for 24 hours; a development database is reset more often than that).
"""

