# The local stack's OAuth integrations (issue 15): gateway-service runs the sign-in at the provider and keeps
# the users' tokens, session-service's apps use them; the demo's is GitHub, pointed at the fake providers
# (`./capsule fake-providers`, docs/channels/fakes/mappings/github.json). Sourced after scripts/channels.sh.
#
# The key that seals the tokens (base64 of 32 random bytes) and the GitHub app's client secret are generated
# once into $CAPSULE_HOME/integrations/ (token-key, github.client-secret; mode 600); each service's
# properties beside them (gateway-service.properties, session-service.properties) are written on each start.

INTEGRATIONS_DIR=$CAPSULE_HOME/integrations

# Writes the integrations' configuration of service $1 (secrets included, mode 600) and adds it to the
# service's QUARKUS_CONFIG_LOCATIONS; called in gateway-service's and session-service's environment just
# before they start. Each service has a file of its own: the two start at once.
integrations_env() { # name
  local conf=$INTEGRATIONS_DIR/$1.properties f=$CAPSULE_FAKE_PROVIDERS_URL tmp
  kept_secret "$INTEGRATIONS_DIR/token-key" openssl rand -base64 32 >/dev/null
  kept_secret "$INTEGRATIONS_DIR/github.client-secret" openssl rand -hex 20 >/dev/null
  tmp=$(mktemp "$conf.XXXXXX") || die "could not write $conf"
  {
    cat <<EOC
# Written by ./capsule up from the secret files beside it; edit those, not this.
capsule.oauth.public-url=$CAPSULE_PUBLIC_URL
capsule.oauth.token-key=$(cat "$INTEGRATIONS_DIR/token-key")
capsule.oauth.token-key-id=local-1
capsule.integrations.github.preset=github
capsule.integrations.github.client-id=capsule-demo
capsule.integrations.github.client-secret=$(cat "$INTEGRATIONS_DIR/github.client-secret")
capsule.integrations.github.authorize-url=$f/github/login/oauth/authorize
capsule.integrations.github.token-url=$f/github/login/oauth/access_token
EOC
    # The demo app calls GitHub's API with the user's token.
    if [ "$1" = session-service ]; then echo "demo.github.api-url=$f/github/api"; fi
  } >"$tmp" && mv -f "$tmp" "$conf" || { rm -f "$tmp"; die "could not write $conf"; }
  export QUARKUS_CONFIG_LOCATIONS=${QUARKUS_CONFIG_LOCATIONS:+$QUARKUS_CONFIG_LOCATIONS,}$conf
}
