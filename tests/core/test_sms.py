"""SMS behind its provider interface (core.sms): the development outbox, Kavenegar's HTTP
API faked with `responses`, retries through RQ, the per-number limit, codes never logged."""

import logging
from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
import requests
import responses
from rq import Retry

from marketplace.core import jobs, sms
from marketplace.core.db import utcnow
from marketplace.core.sms import Secret, SmsError, SmsTemporaryError
from marketplace.core.sms.kavenegar import KavenegarProvider, fit_token, fit_tokens, receptor
from marketplace.core.sms.outbox import outbox_messages
from marketplace.extensions import db

PHONE = "+989121234567"
BASE = "https://api.kavenegar.test/v1"
LOOKUP = f"{BASE}/KEY/verify/lookup.json"
SEND = f"{BASE}/KEY/sms/send.json"


def later():
    return utcnow() + timedelta(minutes=5)


@pytest.fixture
def kavenegar():
    return KavenegarProvider("KEY", sender="10004346", base_url=BASE, timeout=1)


def answer(status, message="ok"):
    return {"return": {"status": status, "message": message}, "entries": []}


# --- the outbox ------------------------------------------------------------------------------

def test_a_code_lands_in_the_outbox_only_after_commit(app):
    sms.send_code_after_commit(PHONE, "123456", "fa", later())
    assert outbox_messages() == []
    db.session.commit()
    (message,) = outbox_messages()
    assert (message["to"], message["code"], message["template"]) == \
        (PHONE, "123456", app.config["SMS_TEMPLATE_CODE_FA"])


def test_a_rolled_back_request_texts_nothing(app):
    sms.send_text_after_commit(PHONE, "سلام")
    db.session.rollback()
    db.session.commit()
    assert outbox_messages() == []


def test_a_text_in_the_outbox(app):
    sms.send_text_after_commit(PHONE, "بازارچه: سفارش شما آماده است")
    db.session.commit()
    assert outbox_messages()[0]["text"] == "بازارچه: سفارش شما آماده است"


# --- Kavenegar -------------------------------------------------------------------------------

@responses.activate
def test_kavenegar_code_is_a_template_send_in_the_post_body(kavenegar):
    responses.post(LOOKUP, json=answer(200))
    kavenegar.send_code(PHONE, "bazaarche-code-fa", "123456")
    (call,) = responses.calls
    assert call.request.url == LOOKUP  # nothing in the query string
    assert call.request.body == "receptor=09121234567&template=bazaarche-code-fa&token=123456"


@responses.activate
def test_kavenegar_text_names_the_sender(kavenegar):
    responses.post(SEND, json=answer(200))
    kavenegar.send_text(PHONE, "hello")
    assert "sender=10004346" in responses.calls[0].request.body


@pytest.mark.parametrize("status", [411, 418, 424, 403, 431])
@responses.activate
def test_kavenegar_refusals_are_final(kavenegar, status):
    responses.post(LOOKUP, json=answer(status, "refused"), status=status if status < 500 else 200)
    with pytest.raises(SmsError) as caught:
        kavenegar.send_code(PHONE, "t", "123456")
    assert not isinstance(caught.value, SmsTemporaryError)
    assert str(status) in str(caught.value)


@pytest.mark.parametrize("reply", [
    {"json": answer(409, "busy"), "status": 409},
    {"body": "<html>Bad gateway</html>", "status": 502},
    {"body": "not json", "status": 200},
    {"body": requests.Timeout("read timed out (KEY)")},
    {"body": requests.ConnectionError("no route (KEY)")},
])
@responses.activate
def test_kavenegar_passing_failures_are_retryable_and_never_show_the_key(kavenegar, reply):
    responses.post(LOOKUP, **reply)
    with pytest.raises(SmsTemporaryError) as caught:
        kavenegar.send_code(PHONE, "t", "123456")
    assert "KEY" not in str(caught.value)


# --- template sends: Kavenegar's verify/lookup with a notice's tokens -------------------------

@responses.activate
def test_kavenegar_template_send_posts_its_tokens_in_slot_order(kavenegar):
    responses.post(LOOKUP, json=answer(200))
    kavenegar.send_template(PHONE, "bz-pickup-fa", {"token20": "بازارچه پارک ملت",
                                                    "token": "BZ-1042", "token2": "۷"})
    body = parse_qsl(responses.calls[0].request.body)
    assert body == [("receptor", "09121234567"), ("template", "bz-pickup-fa"),
                    ("token", "BZ-1042"), ("token2", "۷"), ("token20", "بازارچه پارک ملت")]


def test_tokens_keep_to_kavenegars_space_and_length_rules():
    # token, token2, token3: no space; the words are joined, nothing is lost.
    assert fit_token("Sahand  bazaar\nbooth 7", 0) == "Sahand_bazaar_booth_7"
    # token10 keeps 5 spaces, token20 8; the words past them are joined.
    assert fit_token("a b c d e f g h", 5) == "a b c d e f_g_h"
    assert fit_token("a b c", 8) == "a b c"
    assert fit_token("   ", 0) == "-"  # an empty token would leave a hole in the template
    long = fit_token("x" * 150, 0)
    assert len(long) == 100 and long.endswith("…")
    fitted = fit_tokens({"token20": " ".join("word" for _ in range(12)), "token": "۱۸ آذر"})
    assert list(fitted) == ["token", "token20"]
    assert fitted["token"] == "۱۸_آذر" and fitted["token20"].count(" ") == 8
    assert fit_tokens({"token10": "$12.00"}) == {"token": "-", "token10": "$12.00"}  # required
    with pytest.raises(ValueError, match="token4"):
        fit_tokens({"token4": "x"})


def test_a_template_send_in_the_outbox_shows_its_tokens_as_they_would_go(app):
    sms.deliver_template(PHONE, "bz-ready-en", {"token": "BZ 1042", "token10": "Tableaux"})
    (message,) = outbox_messages()
    assert message["template"] == "bz-ready-en"
    assert message["tokens"] == {"token": "BZ_1042", "token10": "Tableaux"}


@responses.activate
def test_a_template_send_that_times_out_raises_so_rq_retries_it(app):
    app.config.update(SMS_PROVIDER="kavenegar", KAVENEGAR_API_KEY="KEY", KAVENEGAR_API_BASE=BASE)
    responses.post(LOOKUP, body=requests.Timeout())
    responses.post(LOOKUP, json=answer(200))
    with pytest.raises(SmsTemporaryError):
        sms.deliver_template(PHONE, "bz-ready-fa", {"token": "BZ-1"})
    sms.deliver_template(PHONE, "bz-ready-fa", {"token": "BZ-1"})  # RQ's retry
    assert len(responses.calls) == 2


def test_template_sends_count_against_the_per_number_limit(app):
    app.config["SMS_PER_NUMBER_LIMIT"] = "1 per hour"
    sms.deliver_template(PHONE, "t", {"token": "1"})
    sms.deliver_template(PHONE, "t", {"token": "2"})
    assert [m["tokens"]["token"] for m in outbox_messages()] == ["1"]


def test_receptor_forms():
    assert receptor("+989121234567") == "09121234567"
    assert receptor("+447400123456") == "00447400123456"


def test_the_app_picks_kavenegar_by_config(app):
    app.config.update(SMS_PROVIDER="kavenegar", KAVENEGAR_API_KEY="KEY")
    assert isinstance(sms.provider(), KavenegarProvider)
    app.config["KAVENEGAR_API_KEY"] = ""
    with pytest.raises(RuntimeError, match="KAVENEGAR_API_KEY"):
        sms.provider()


# --- the job: retries, refusals, expiry, the per-number limit --------------------------------

@responses.activate
def test_a_timeout_raises_so_rq_retries_it(app):
    app.config.update(SMS_PROVIDER="kavenegar", KAVENEGAR_API_KEY="KEY", KAVENEGAR_API_BASE=BASE)
    responses.post(LOOKUP, body=requests.Timeout())
    responses.post(LOOKUP, json=answer(200))
    with pytest.raises(SmsTemporaryError):
        sms.deliver_code(PHONE, Secret("123456"), "fa", later())
    sms.deliver_code(PHONE, Secret("123456"), "fa", later())  # RQ's retry
    assert len(responses.calls) == 2


@responses.activate
def test_a_final_refusal_is_logged_not_retried(app, caplog):
    app.config.update(SMS_PROVIDER="kavenegar", KAVENEGAR_API_KEY="KEY", KAVENEGAR_API_BASE=BASE)
    responses.post(LOOKUP, json=answer(411, "receptor invalid"), status=411)
    with caplog.at_level(logging.DEBUG):
        sms.deliver_code(PHONE, Secret("770011"), "fa", later())
    assert "411" in caplog.text
    assert "770011" not in caplog.text
    assert PHONE not in caplog.text


def test_on_redis_the_send_is_an_rq_job_with_retries_and_a_masked_code(app, monkeypatch):
    queued = []

    class FakeQueue:
        def enqueue_call(self, func, args, kwargs, retry):
            queued.append((func, args, retry))

    monkeypatch.setattr(jobs, "job_queue", FakeQueue)
    app.config["REDIS_URL"] = "redis://unused"
    sms.send_code_after_commit(PHONE, "770011", "fa", later())
    db.session.commit()
    ((func, args, retry),) = queued
    assert func is jobs.run_in_app_context and args[0] is sms.deliver_code
    assert isinstance(retry, Retry) and retry.max == len(jobs.RETRY_INTERVALS)
    # RQ describes a job by the repr of its arguments.
    assert "770011" not in repr(args) and "Secret(***)" in repr(args)
    assert outbox_messages() == []


def test_an_expired_code_is_not_texted_on_a_late_retry(app):
    sms.deliver_code(PHONE, Secret("123456"), "fa", utcnow() - timedelta(seconds=1))
    assert outbox_messages() == []


def test_per_number_limit(app, caplog):
    app.config["SMS_PER_NUMBER_LIMIT"] = "2 per hour"
    for _ in range(3):
        sms.deliver_text(PHONE, "hi")
    sms.deliver_text("+989350000000", "hi")
    assert [m["to"] for m in outbox_messages()] == [PHONE, PHONE, "+989350000000"]
    assert "SMS_PER_NUMBER_LIMIT" in caplog.text
