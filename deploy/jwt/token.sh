#!/bin/sh
# Prints a bearer token for user $1, valid 30 days, signed with the key at $CAPSULE_JWT_PRIVATE_KEY, with the
# issuer the dev and compose gateways expect. Compose's token service and `./capsule token` both run it:
#   docker compose -f deploy/compose.yaml run --rm token <user-id>
set -eu
user=${1:?usage: token <user-id>}
case $user in
  *[!A-Za-z0-9._@-]*) echo "a user id is 1 to 64 letters, digits, '.', '_', '@' or '-': got '$user'" >&2; exit 2 ;;
esac
[ ${#user} -le 64 ] || { echo "a user id is 1 to 64 characters: got '$user'" >&2; exit 2; }
key=${CAPSULE_JWT_PRIVATE_KEY:-/jwt-private/private.pem}
[ -s "$key" ] || { echo "no key at $key yet: start the stack once" >&2; exit 1; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT","kid":"capsule-local"}' | b64url)
payload=$(printf '{"iss":"https://capsule.local/dev","sub":"%s","upn":"%s","email":"%s@capsule.local","groups":["user"],"iat":%d,"exp":%d,"jti":"%s"}' \
  "$user" "$user" "$user" "$now" $((now + 30 * 86400)) "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" | b64url)
sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$sig"
