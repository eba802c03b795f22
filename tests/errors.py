"""One check of the error envelope (core.errors): the status, the code, a message for people
and, when given, the field it names."""


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    error = response.json["error"]
    assert error["code"] == code, error
    assert error["message"]
    if field:
        assert field in error["fields"], error
