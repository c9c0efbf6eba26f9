"""Schemathesis hooks for scripts/schemathesis: sign a fresh account in and send its session.

Loaded through SCHEMATHESIS_HOOKS; the server's base URL comes from BINGX_SCHEMATHESIS_URL.
Every sign-in is a new account (sign-up, password login, the emailed code from the test outbox,
code login), so nothing the generated requests do to one session (logout, revoked sessions)
leaks into the next: a 401 makes schemathesis ask for a fresh one.
"""

import os
import time
import uuid

import requests
import schemathesis

BASE_URL = os.environ["BINGX_SCHEMATHESIS_URL"].rstrip("/")
PASSWORD = "schemathesis password"
TIMEOUT = 30


def _post(path, body):
    # A 503 SERVER_BUSY (password checks queued up) says when to come back.
    for _ in range(10):
        response = requests.post(BASE_URL + path, json=body, timeout=TIMEOUT)
        if response.status_code != 503:
            break
        time.sleep(float(response.headers.get("Retry-After", "1")))
    response.raise_for_status()
    return response.json()


def sign_in():
    """A session token of a freshly made account."""
    email = "st-{}@schemathesis.bingx.test".format(uuid.uuid4().hex)
    _post("/v1/accounts", {"email": email, "password": PASSWORD})
    login = _post(
        "/v1/login/password",
        {"email": email, "password": PASSWORD, "device_id": "schemathesis"},
    )
    if login.get("status") != "code_required":
        raise RuntimeError("password login did not ask for a code")
    outbox = requests.get(BASE_URL + "/v1/testkit/outbox", params={"to": email}, timeout=TIMEOUT)
    outbox.raise_for_status()
    codes = [m["code"] for m in outbox.json()["messages"] if m["purpose"] == "login"]
    if not codes:
        raise RuntimeError("no login code in the outbox")
    signed_in = _post(
        "/v1/login/code",
        {"login_id": login["login_id"], "factor": "email", "code": codes[-1]},
    )
    return signed_in["session_token"]


@schemathesis.auth(refresh_interval=120)
class FreshAccount:
    """Bearer auth with the session of a freshly signed-in account."""

    def get(self, case, context):
        return sign_in()

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = "Bearer " + data
