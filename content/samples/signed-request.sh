#!/usr/bin/env bash
# Signed POSTs to an iAM Smart sandbox with nothing but bash, openssl and curl.
# Source this file, then call `signed_post PATH BODY`. It needs CLIENT_ID, CLIENT_SECRET and BASE_URL.
# The guides quote this file, and a test runs the scripts that use it against a live portal.
set -euo pipefail

# ANCHOR: signed_post
# signed_post PATH BODY: POSTs BODY (the exact bytes that are signed) with the five signed headers.
signed_post() {
  local path="$1" body="$2"
  local timestamp nonce signature
  timestamp="$(date +%s%3N)"            # epoch milliseconds, never earlier than the last request's
  nonce="$(openssl rand -hex 16)"       # 32 random characters, never reused
  # Base64(HMAC-SHA256(clientSecret, clientID + signatureMethod + timestamp + nonce + body)) ...
  signature="$(printf '%s' "${CLIENT_ID}HmacSHA256${timestamp}${nonce}${body}" |
    openssl dgst -sha256 -hmac "$CLIENT_SECRET" -binary | base64 -w0)"
  # ... then URL-encoded with uppercase escapes: + / = become %2B %2F %3D.
  signature="$(printf '%s' "$signature" | sed -e 's/+/%2B/g' -e 's|/|%2F|g' -e 's/=/%3D/g')"
  curl --silent --show-error --fail-with-body -X POST "${BASE_URL}${path}" \
    -H "clientID: ${CLIENT_ID}" \
    -H "signatureMethod: HmacSHA256" \
    -H "timestamp: ${timestamp}" \
    -H "nonce: ${nonce}" \
    -H "signature: ${signature}" \
    -H "Content-Type: application/json" \
    --data-binary "$body"
}
# ANCHOR_END: signed_post
