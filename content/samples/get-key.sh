#!/usr/bin/env bash
# getKey with curl: fetch a content encryption key (CEK) and unwrap it with the RP's private key.
# Usage: BASE_URL=… CLIENT_ID=… CLIENT_SECRET=… RP_PRIVATE_KEY=rp-key.pem bash get-key.sh
set -euo pipefail
source "$(dirname "$0")/signed-request.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# ANCHOR: get_key
# getKey's body may be empty or {}; whatever is sent is what is signed.
response="$(signed_post /api/v1/security/getKey '{}')"
echo "getKey answered: $(jq -c '{code, message, txID}' <<<"$response")"
test "$(jq -r .code <<<"$response")" = D00000

# content.secretKey is the CEK encrypted for your public key with RSA PKCS#1 v1.5.
jq -r .content.secretKey <<<"$response" | base64 -d >cek.wrapped
openssl pkeyutl -decrypt -inkey "$RP_PRIVATE_KEY" -pkeyopt rsa_padding_mode:pkcs1 \
  -in cek.wrapped -out cek.bin
echo "CEK (AES-256, hex): $(od -An -tx1 cek.bin | tr -d ' \n')"
echo "expires in: $(jq -r .content.expiresIn <<<"$response") ms"
# ANCHOR_END: get_key
