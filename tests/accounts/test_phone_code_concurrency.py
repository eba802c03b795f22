"""Concurrent tries of one phone code: the attempt limit and the single use hold, on SQLite
and PostgreSQL (the conditional UPDATEs in accounts.phone_codes decide, not a read first)."""

import threading

from sqlalchemy import func, select

from marketplace.accounts import phone_codes
from marketplace.accounts.models import CodePurpose, PhoneCode, User
from marketplace.core.db import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.sms.outbox import outbox_messages

PHONE = "+989121234567"
WORKERS = 12


def tries_at_once(app, db, codes: list[str]) -> list[str]:
    db.session.rollback()  # the workers compete only with each other
    barrier = threading.Barrier(len(codes))
    results: list[str] = []
    lock = threading.Lock()

    def worker(code):
        with app.app_context():
            barrier.wait()
            try:
                phone_codes.sign_in_with_code(PHONE, code)
                outcome = "ok"
            except DomainError as error:
                outcome = str(error.code)
            db.session.commit()  # a refused try still counts
            db.session.remove()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def ask_for_code(db, create_user) -> str:
    create_user(phone=PHONE, phone_verified_at=utcnow())
    phone_codes.request_code(PHONE, CodePurpose.SIGN_IN, "fa")
    db.session.commit()
    return outbox_messages()[-1]["code"]


def test_concurrent_wrong_tries_never_pass_the_limit(app, db, create_user):
    app.config["PHONE_CODE_MAX_ATTEMPTS"] = 3
    code = ask_for_code(db, create_user)
    wrong = "000000" if code != "000000" else "111111"
    results = tries_at_once(app, db, [wrong] * WORKERS)
    assert sorted(results) == sorted(["wrong_code"] * 3
                                     + ["code_attempts_exhausted"] * (WORKERS - 3))
    db.session.expire_all()
    assert db.session.scalar(select(PhoneCode.attempts)) == 3


def test_the_right_code_signs_in_once(app, db, create_user):
    code = ask_for_code(db, create_user)
    results = tries_at_once(app, db, [code] * 5)
    assert results.count("ok") == 1


def test_two_people_proving_one_number_at_once_one_wins_the_other_gets_409(app, db,
                                                                           create_user):
    users = [create_user(), create_user()]
    codes = []
    for user in users:
        phone_codes.request_code(PHONE, CodePurpose.VERIFY_PHONE, "fa", user)
        db.session.commit()
        codes.append(outbox_messages()[-1]["code"])
    user_ids = [user.id for user in users]
    db.session.rollback()
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker(user_id, code):
        with app.app_context():
            barrier.wait()
            try:
                phone_codes.confirm_phone(db.session.get(User, user_id), PHONE, code)
                db.session.commit()
                results.append("ok")
            except DomainError as error:
                db.session.rollback()
                results.append(str(error.code))
            db.session.remove()

    threads = [threading.Thread(target=worker, args=pair)
               for pair in zip(user_ids, codes, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "phone_taken"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.phone == PHONE, User.phone_verified_at.is_not(None))) == 1
