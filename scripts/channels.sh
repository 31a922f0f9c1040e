# The local stack's named channels and the fake providers they talk to. Sourced.
#
# `up` binds demo-telegram, demo-slack and demo-whatsapp in channel-adapters, with secrets
# generated once into $CAPSULE_HOME/channels/ (one file per secret, mode 600; see
# docs/channels/README.md) and the providers' API base URLs pointing at the fake providers:
# WireMock, started by hand with `./capsule fake-providers`, serving the stub mappings the
# tests use (docs/channels/fakes/mappings), GitHub's for the integrations (scripts/integrations.sh) among them.

CAPSULE_FAKE_PROVIDERS_PORT=${CAPSULE_FAKE_PROVIDERS_PORT:-8090}
CAPSULE_FAKE_PROVIDERS_URL=${CAPSULE_FAKE_PROVIDERS_URL:-http://localhost:$CAPSULE_FAKE_PROVIDERS_PORT}
CHANNELS_DIR=$CAPSULE_HOME/channels

channel_secret() { # file: the secret kept in $CHANNELS_DIR/<file>, made on first use (scripts/common.sh)
  kept_secret "$CHANNELS_DIR/$1" openssl rand -hex 24
}

# Writes the channels' configuration (secrets included, mode 600) and points channel-adapters
# at it; called in channel-adapters' environment just before it starts.
demo_channels_env() {
  local conf=$CHANNELS_DIR/channels.properties f=$CAPSULE_FAKE_PROVIDERS_URL
  channel_secret demo-telegram.webhook-secret >/dev/null
  (umask 077; cat >"$conf" <<EOC
# Written by ./capsule up from the secret files beside it; edit those, not this.
capsule.channels.demo-telegram.type=telegram
capsule.channels.demo-telegram.token=$(channel_secret demo-telegram.token)
capsule.channels.demo-telegram.webhook-secret=$(channel_secret demo-telegram.webhook-secret)
capsule.channels.demo-telegram.api-base-url=$f/telegram
capsule.channels.demo-slack.type=slack
capsule.channels.demo-slack.token=xoxb-$(channel_secret demo-slack.token)
capsule.channels.demo-slack.signing-secret=$(channel_secret demo-slack.signing-secret)
capsule.channels.demo-slack.api-base-url=$f/slack
capsule.channels.demo-whatsapp.type=whatsapp
capsule.channels.demo-whatsapp.token=$(channel_secret demo-whatsapp.token)
capsule.channels.demo-whatsapp.app-secret=$(channel_secret demo-whatsapp.app-secret)
capsule.channels.demo-whatsapp.verify-token=$(channel_secret demo-whatsapp.verify-token)
capsule.channels.demo-whatsapp.phone-number-id=100000000000001
capsule.channels.demo-whatsapp.api-base-url=$f/whatsapp
EOC
  )
  export QUARKUS_CONFIG_LOCATIONS=$conf
}

# ./capsule fake-providers [stop]: WireMock standing in for the Telegram, Slack and WhatsApp APIs, and for
# GitHub's OAuth and REST API (the demo's integration, scripts/integrations.sh).
run_fake_providers() {
  local jar version log=$CAPSULE_LOG_DIR/fake-providers.log
  if [ "${1:-}" = stop ]; then stop_component fake-providers; return; fi
  if pid=$(running_pid fake-providers); then say "fake providers already run (pid $pid) on $CAPSULE_FAKE_PROVIDERS_URL"; return; fi
  find_jdk
  version=$(sed -n 's:.*<wiremock.version>\(.*\)</wiremock.version>.*:\1:p' "$ROOT/pom.xml")
  jar=$HOME/.m2/repository/org/wiremock/wiremock-standalone/$version/wiremock-standalone-$version.jar
  mkdir -p "$CAPSULE_LOG_DIR" "$CAPSULE_RUN_DIR"
  if [ ! -f "$jar" ]; then
    step "fetching WireMock $version (log: $log)"
    mvnw -q dependency:get -Dartifact="org.wiremock:wiremock-standalone:$version" >>"$log" 2>&1 \
      || die "could not fetch WireMock; see $log"
  fi
  port_taken "$CAPSULE_FAKE_PROVIDERS_PORT" && die "port $CAPSULE_FAKE_PROVIDERS_PORT is taken: CAPSULE_FAKE_PROVIDERS_PORT=<port> ./capsule fake-providers"
  step "starting the fake providers on $CAPSULE_FAKE_PROVIDERS_URL (log: $log)"
  nohup "$JAVA" -Xmx128m -Dcapsule.component=fake-providers -jar "$jar" --port "$CAPSULE_FAKE_PROVIDERS_PORT" \
    --bind-address 127.0.0.1 --root-dir "$ROOT/docs/channels/fakes" --disable-banner >>"$log" 2>&1 </dev/null &
  write_pid fake-providers $! "capsule.component=fake-providers"
  await_port fake-providers "$CAPSULE_FAKE_PROVIDERS_PORT" 60 "$log"
  cat <<MSG
Fake providers up: Telegram $CAPSULE_FAKE_PROVIDERS_URL/telegram, Slack $CAPSULE_FAKE_PROVIDERS_URL/slack,
WhatsApp $CAPSULE_FAKE_PROVIDERS_URL/whatsapp, GitHub $CAPSULE_FAKE_PROVIDERS_URL/github (OAuth sign-in as octocat,
and its API at /github/api). What they were asked:
  curl -s $CAPSULE_FAKE_PROVIDERS_URL/__admin/requests | jq '.requests[].request | {url, body}'
Stop them with ./capsule fake-providers stop. Try a channel: docs/channels/README.md.
MSG
}
