#!/usr/bin/env bash
# A whole login without a browser or a phone: start it with getQR as JSON, approve it as a persona with
# the sandbox-only automation API, and print the callback URL your service would receive.
# Usage: BASE_URL=… CLIENT_ID=… CLIENT_SECRET=… REDIRECT_URI=… PERSONA=iamsmart-user bash headless-login.sh
set -euo pipefail
source "$(dirname "$0")/signed-request.sh"

# ANCHOR: start_login
state="ci-$(openssl rand -hex 8)"
started="$(curl --silent --show-error --fail-with-body -G "${BASE_URL}/api/v1/auth/getQR" \
  -H 'Accept: application/json' \
  --data-urlencode "clientID=${CLIENT_ID}" \
  --data-urlencode 'responseType=code' \
  --data-urlencode 'source=PC_Browser' \
  --data-urlencode "redirectURI=${REDIRECT_URI}" \
  --data-urlencode 'scope=eidapi_auth' \
  --data-urlencode "state=${state}")"
ticket_id="$(jq -r .ticketID <<<"$started")"
echo "started ticket ${ticket_id:0:8}…, waiting $(jq -r .expiresInMs <<<"$started") ms for an answer"
# ANCHOR_END: start_login

# ANCHOR: approve
# Plain JSON, signed like every other API (these routes exist only in the sandbox).
answer="$(signed_post /api/v1/sandbox/approveTicket \
  "$(jq -cn --arg t "$ticket_id" --arg p "${PERSONA:-iamsmart-user}" '{ticketID: $t, personaID: $p}')")"
test "$(jq -r .code <<<"$answer")" = D00000
callback="$(jq -r .content.redirectURL <<<"$answer")"
echo "callback: ${callback%%\?*}?code=…&state=…"
# Your test now GETs "$callback" on your own service, which exchanges the code with getToken.
# ANCHOR_END: approve
case "$callback" in
  *"state=${state}"*) echo "state echoed back: yes" ;;
  *) echo "the callback does not carry our state" >&2; exit 1 ;;
esac
