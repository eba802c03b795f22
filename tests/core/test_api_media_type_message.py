"""QA P3: the API's "send JSON" refusal is in the caller's language like every other error."""


def test_non_json_body_refusal_is_translated(client):
    headers = {"Accept-Language": "fa", "Content-Type": "text/plain"}
    response = client.post("/api/v1/cart/lines", data="product_id=1", headers=headers)
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"
    assert "Send the body" not in response.json["error"]["message"]
    en = client.post("/api/v1/cart/lines", data="product_id=1",
                     headers={**headers, "Accept-Language": "en"})
    assert en.json["error"]["message"].startswith("Send the body as JSON")
