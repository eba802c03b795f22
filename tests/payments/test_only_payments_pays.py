"""Only payments makes an order paid (issue 14 §1): the two functions of orders that record it
are called from marketplace/payments alone — not from orders itself, checkout, the demo world
or the test factories (which go through payments.services.payments.record_paid_order)."""

import ast
from pathlib import Path

import marketplace

ROOT = Path(marketplace.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent.parent
MAKES_PAID = {"mark_order_paid", "mark_pickup_order_paid"}


def callers(paths):
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in MAKES_PAID:
                    found.add(path)
    return found


def test_only_payments_calls_what_makes_an_order_paid():
    calling = callers(ROOT.rglob("*.py"))
    outside = {str(p.relative_to(ROOT)) for p in calling
               if not p.is_relative_to(ROOT / "payments")}
    assert outside == set()
    assert calling  # the check looks at real code: payments does call them


def test_test_factories_pay_through_payments():
    assert callers((TESTS / "factories").rglob("*.py")) == set()
