"""Schemathesis hooks for `cargo xtask schemathesis`: sign generated requests as a relying party would.

Without a signature every generated request stops at the envelope check (`D20001`, `D20006`, `D99992`), so
the mock's body parsing and its answers would never be exercised. For each generated case whose headers were
generated as valid (positive mode), this hook replaces the five envelope headers with real ones for the demo
sandbox named by `IAMSMART_DEMO_FILE` (the credentials file `portal-server --demo-file` writes), signed over
the exact bytes sent, and points getQR at the same client. Cases generated to be invalid in their headers
are sent as generated, so the unsigned error answers stay covered too. Before the first encrypted call it
asks getKey for a CEK, so random `content` reaches decryption instead of stopping at `D30002`.

It also adds one check, `no_sandbox_fault`: an answer of `D20000` (unknown exception) or the host's
`D99990` "unhandled exception" means the sandbox broke rather than refused the request. Both are valid
envelopes, so the schema checks alone would pass them.

The signature is PROTOCOL §1.1's: URLEncode(Base64(HMAC-SHA256(clientSecret,
clientID + signatureMethod + timestamp + nonce + body))). This file holds no secret of its own and never
prints the credentials it reads.
"""

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.parse
import uuid

import schemathesis
from schemathesis.core import NotSet
from schemathesis.core.parameters import ParameterLocation

_SIGNED_HEADERS = ("clientID", "signatureMethod", "timestamp", "nonce", "signature")


def _load_credentials():
    path = os.environ.get("IAMSMART_DEMO_FILE")
    if not path:
        return None
    with open(path, encoding="utf-8") as file:
        demo = json.load(file)
    return demo["clientId"], demo["clientSecret"]


_CREDENTIALS = _load_credentials()
_GET_KEY_PATH = "/api/v1/security/getKey"
_REVOKE_KEY_PATH = "/api/v1/security/revokeKey"
# The operations whose `content` is AES-GCM under the CEK.
_ENCRYPTED_PATHS = {
    "/api/v1/auth/getToken",
    "/api/v1/account/stepup/initiateRequest",
    "/api/v1/bdss/initiateRequest",
    "/api/v1/bdss/enquireStatus",
    "/api/v1/bdss/cancelRequest",
    "/api/v1/bdss/ackResult",
}
_cek_requested = False
# The sandbox refuses a timestamp earlier than the last accepted one (D20004), so never step back.
_last_timestamp = 0


def _next_timestamp():
    global _last_timestamp
    _last_timestamp = max(_last_timestamp, int(time.time() * 1000))
    return str(_last_timestamp)


def _is_negative(case, location):
    meta = case.meta
    return meta is not None and meta.is_negative_at(location)


def _wire_body(case):
    """The exact bytes the transport will send for this case, or None when they cannot be known."""
    if isinstance(case.body, NotSet):
        return b""
    prepared = case.as_transport_kwargs()
    if "data" in prepared:
        data = prepared["data"]
        if isinstance(data, bytes):
            return data
        if isinstance(data, str):
            return data.encode("utf-8")
        return None
    if "json" in prepared:
        try:
            # What `requests` itself does with `json=`; sending these bytes as `data` fixes them.
            return json.dumps(prepared["json"], allow_nan=False).encode("utf-8")
        except (TypeError, ValueError):
            return None
    return None


def _signed_headers(client_id, client_secret, body):
    timestamp = _next_timestamp()
    nonce = uuid.uuid4().hex
    mac = hmac.new(client_secret.encode("utf-8"), digestmod=hashlib.sha256)
    for part in (client_id, "HmacSHA256", timestamp, nonce):
        mac.update(part.encode("utf-8"))
    mac.update(body)
    signature = urllib.parse.quote(base64.b64encode(mac.digest()).decode("ascii"), safe=".-*_")
    return {
        "clientID": client_id,
        "signatureMethod": "HmacSHA256",
        "timestamp": timestamp,
        "nonce": nonce,
        "signature": signature,
    }


def _request_cek(client_id, client_secret):
    """One signed getKey, so the sandbox holds a current CEK."""
    global _cek_requested
    _cek_requested = True
    base_url = os.environ.get("IAMSMART_BASE_URL")
    if not base_url:
        return
    import requests

    headers = _signed_headers(client_id, client_secret, b"{}")
    headers["Content-Type"] = "application/json"
    requests.post(base_url + _GET_KEY_PATH, data=b"{}", headers=headers, timeout=30)


@schemathesis.check
def no_sandbox_fault(ctx, response, case):
    """The sandbox answered a D-code that means it broke, not that it refused the request."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    code = body.get("code")
    message = str(body.get("message", ""))
    if code == "D20000" or (code == "D99990" and "unhandled exception" in message):
        raise AssertionError(f"the sandbox failed instead of answering: {code} {message}")
    return None


@schemathesis.hook
def before_call(context, case, kwargs):
    if _CREDENTIALS is None:
        return
    client_id, client_secret = _CREDENTIALS
    if case.operation.path == "/api/v1/auth/getQR":
        if not _is_negative(case, ParameterLocation.QUERY) and isinstance(case.query, dict):
            case.query["clientID"] = client_id
        return
    if _is_negative(case, ParameterLocation.HEADER):
        return
    body = _wire_body(case)
    if body is None:
        return
    global _cek_requested
    if case.operation.path == _REVOKE_KEY_PATH:
        # Each phase revokes the CEK in its turn; the next encrypted call asks for a new one.
        _cek_requested = False
    elif case.operation.path == _GET_KEY_PATH:
        _cek_requested = True
    elif not _cek_requested and case.operation.path in _ENCRYPTED_PATHS:
        _request_cek(client_id, client_secret)
    signed_names = {name.lower() for name in _SIGNED_HEADERS}
    headers = {name: value for name, value in (case.headers or {}).items() if name.lower() not in signed_names}
    headers.update(_signed_headers(client_id, client_secret, body))
    case.headers = headers
    if not isinstance(case.body, NotSet):
        kwargs["data"] = body
