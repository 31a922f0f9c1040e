#!/bin/sh
# Compose's jwt-keys service: makes the stack's signing key pair on its first start and keeps it after.
# The gateway mounts only the public half; the private half stays in its own volume, for token.sh.
set -eu
if [ ! -s /jwt-private/private.pem ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out /jwt-private/private.pem 2>/dev/null
  chmod 600 /jwt-private/private.pem
  echo "jwt-keys: made a new key pair"
fi
# Written on every start, so that the public key always matches the private one.
openssl pkey -in /jwt-private/private.pem -pubout -out /jwt-public/public.pem
chmod 644 /jwt-public/public.pem
