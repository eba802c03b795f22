"""QA P3: a rejected (or suspended) trainee is not offered «درخواست غرفه», which would only
bounce them back; verified trainees and signed-out visitors still see it."""

from marketplace.accounts.models import TraineeStatus


def test_apply_button_only_for_those_who_may_apply(db, client, login, world, create_trainee):
    apply_url = f"/booths/markets/{world.market.id}/apply"
    page = f"/markets/{world.market.id}"
    assert apply_url in client.get(page).get_data(as_text=True)  # signed out: leads to sign-in

    verified = create_trainee()
    login(verified.user)
    assert apply_url in client.get(page).get_data(as_text=True)

    for status in (TraineeStatus.REJECTED, TraineeStatus.SUSPENDED):
        trainee = create_trainee(status=status)
        login(trainee.user)
        assert apply_url not in client.get(page).get_data(as_text=True), status


def test_rejected_trainee_my_store_says_what_to_do(db, client, login, create_trainee):
    trainee = create_trainee(status=TraineeStatus.REJECTED)
    login(trainee.user)
    html = client.get("/my/store?lang=en").get_data(as_text=True)
    assert "did not verify you" in html and trainee.centre.name("en") in html
    assert "once your training centre verifies you" not in html
