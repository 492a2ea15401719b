#!/usr/bin/env bash
# Starts, and stops on exit, Ctrl-C or SIGTERM, everything it started:
#   run.sh serve        the action server, the Rasa server with its REST and Socket.IO channels, and the
#                       widget's demo page (the default, `make run`)
#   run.sh shell        the action server and a conversation in the terminal (`make shell`); the shell's
#                       conversations are kept in memory only, never in the tracker store
#   run.sh interactive  the action server and `rasa interactive`: correct the bot turn by turn and save
#                       the stories (`make interactive`)
#   run.sh actions      the action server alone       (for a deployment that runs the servers apart)
#   run.sh rasa         the Rasa server alone, using the action server at ACTIONS_PORT
# Settings (environment variables, with their defaults):
#   ACTIONS_PORT 5055, RASA_PORT 5005, WEB_PORT 8080
#   CORS_ORIGINS      the web pages allowed to call the Rasa server, space-separated
#                     (default: the demo page's own origins)
#   RASA_MODEL        the model to serve: a file, or a folder whose newest model is served (models)
#   RASA_ENDPOINTS    the Rasa server's endpoints file (endpoints.yml: one machine, conversations in SQLite);
#                     deploy/endpoints.scale.yml shares them between several servers (docs/deployment.md)
#   TRACKER_DB        the SQLite file of conversations (var/conversations.db)
#   RETENTION_DAYS    conversations older than this are deleted at start and by `make purge` (30)
#   RASA_ENABLE_API   true to turn on Rasa's HTTP API (off by default); it then requires
#                     RASA_API_TOKEN (clients send ?token=...) or RASA_JWT_SECRET (Authorization: Bearer)
#   SANIC_REQUEST_MAX_SIZE  largest request body in bytes (100000); larger ones get a 413
#   MAX_MESSAGE_CHARS longest visitor message (2000); longer ones get a request to shorten it
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-serve}
venv=${VENV:-.venv}
rasa="$venv/bin/rasa"
export ACTIONS_PORT=${ACTIONS_PORT:-5055}
export RASA_PORT=${RASA_PORT:-5005}
export WEB_PORT=${WEB_PORT:-8080}
export CORS_ORIGINS=${CORS_ORIGINS:-"http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT"}
RASA_MODEL=${RASA_MODEL:-models}
RASA_ENDPOINTS=${RASA_ENDPOINTS:-endpoints.yml}
export TRACKER_DB=${TRACKER_DB:-var/conversations.db}
export RETENTION_DAYS=${RETENTION_DAYS:-30}
export SANIC_REQUEST_MAX_SIZE=${SANIC_REQUEST_MAX_SIZE:-100000}
RASA_ENABLE_API=${RASA_ENABLE_API:-false}
# Seconds to wait for a server to be ready (the Rasa server loads its model first: ~35 s here).
START_TIMEOUT=${START_TIMEOUT:-180}

children=()
# shellcheck disable=SC2329 # run by the EXIT trap below (ShellCheck misses trap handlers when a script ends with exit)
stop_children() {
    trap - EXIT INT TERM
    local pid
    for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    # Give them 15 s to shut down cleanly, then make sure.
    for _ in $(seq 30); do
        local alive=0
        for pid in "${children[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.5
    done
    for pid in "${children[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_children EXIT
# Ctrl-C or SIGTERM: note it, so that the wait below ends quietly; stop_children runs on exit.
interrupted=""
trap 'interrupted=130; exit 130' INT
trap 'interrupted=143; exit 143' TERM

# wait_until_ready URL PID NAME: polls URL until it answers; fails if PID dies or time runs out.
wait_until_ready() {
    local url=$1 pid=$2 name=$3 waited=0
    until curl --silent --fail --output /dev/null --max-time 2 "$url"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "ERROR: the $name stopped while starting (see its messages above)." >&2
            exit 1
        fi
        if [ "$waited" -ge "$((START_TIMEOUT * 2))" ]; then
            echo "ERROR: the $name did not answer at $url within ${START_TIMEOUT}s." >&2
            exit 1
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
}

case "$mode" in
    serve | shell | interactive | actions | rasa) ;;
    *)
        echo "usage: $0 [serve|shell|interactive|actions|rasa]" >&2
        exit 2
        ;;
esac

# The HTTP API lets its caller read and change any conversation: never without a credential.
api_args=()
case "$RASA_ENABLE_API" in
    true | 1 | yes)
        if [ -n "${RASA_API_TOKEN:-}" ]; then
            api_args=(--enable-api --auth-token "$RASA_API_TOKEN")
        elif [ -n "${RASA_JWT_SECRET:-}" ]; then
            api_args=(--enable-api --jwt-secret "$RASA_JWT_SECRET" --jwt-method "${RASA_JWT_METHOD:-HS256}")
        else
            echo "ERROR: RASA_ENABLE_API=$RASA_ENABLE_API but neither RASA_API_TOKEN nor RASA_JWT_SECRET is set." >&2
            echo "       The HTTP API stays off unless a token or a JWT secret protects it." >&2
            exit 2
        fi
        ;;
    false | 0 | no | "") ;;
    *)
        echo "ERROR: RASA_ENABLE_API must be true or false, not '$RASA_ENABLE_API'." >&2
        exit 2
        ;;
esac

# has_model PATH: a model file, or a folder holding at least one.
has_model() { if [ -d "$1" ]; then compgen -G "$1/*.tar.gz" >/dev/null; else [ -f "$1" ]; fi; }
if [ "$mode" != actions ] && ! has_model "$RASA_MODEL"; then
    echo "ERROR: no model in $RASA_MODEL. Train one first: make train" >&2
    exit 1
fi

if [ "$mode" != rasa ]; then
    echo "Starting the action server on port $ACTIONS_PORT..."
    "$rasa" run actions --actions actions --port "$ACTIONS_PORT" &
    children+=($!)
    wait_until_ready "http://localhost:$ACTIONS_PORT/health" "${children[-1]}" "action server"
fi

case "$mode" in
    shell)
        # No tracker_store: the advisors' test conversations stay in memory and end with the shell.
        shell_endpoints=$(mktemp)
        printf 'action_endpoint:\n  url: http://localhost:%s/webhook\n' "$ACTIONS_PORT" >"$shell_endpoints"
        echo "Action server ready. Starting the shell: type your messages, /stop to quit."
        "$rasa" shell --model "$RASA_MODEL" --endpoints "$shell_endpoints"
        rm -f "$shell_endpoints"
        exit 0
        ;;
    interactive)
        echo "Action server ready. Starting rasa interactive (Ctrl-C to stop, then choose to save)."
        "$rasa" interactive --model "$RASA_MODEL" --domain domain.yml --data data --config config.yml \
            --endpoints endpoints.yml --skip-visualization
        exit 0
        ;;
    actions)
        echo "The action server is ready at http://localhost:$ACTIONS_PORT/webhook. Stop with Ctrl-C."
        ;;
    serve | rasa)
        mkdir -p "$(dirname "$TRACKER_DB")"
        # The stores must answer first: Rasa would otherwise start on an unreachable database and keep
        # conversations in memory only, each server its own.
        "$venv/bin/python" scripts/check_stores.py --endpoints "$RASA_ENDPOINTS"
        "$venv/bin/python" scripts/purge_conversations.py --days "$RETENTION_DAYS" --endpoints "$RASA_ENDPOINTS"
        echo "Starting the Rasa server on port $RASA_PORT (loading the model takes about half a minute)..."
        # shellcheck disable=SC2086 # one argument per origin
        "$rasa" run --model "$RASA_MODEL" --port "$RASA_PORT" --credentials credentials.yml --endpoints "$RASA_ENDPOINTS" \
            --cors $CORS_ORIGINS "${api_args[@]}" &
        children+=($!)
        wait_until_ready "http://localhost:$RASA_PORT/" "${children[-1]}" "Rasa server"
        ;;
esac

if [ "$mode" = rasa ]; then
    echo "The Rasa server is ready: REST http://localhost:$RASA_PORT/webhooks/rest/webhook. Stop with Ctrl-C."
fi

if [ "$mode" = serve ]; then
    echo "Starting the widget's demo page on port $WEB_PORT..."
    "$venv/bin/python" scripts/serve_web.py &
    children+=($!)
    wait_until_ready "http://localhost:$WEB_PORT/" "${children[-1]}" "web page server"

    cat <<MSG

The assistant is ready.
  REST channel:     http://localhost:$RASA_PORT/webhooks/rest/webhook
  Socket.IO:        http://localhost:$RASA_PORT/socket.io
  Action server:    http://localhost:$ACTIONS_PORT/webhook
  Chat widget page: http://localhost:$WEB_PORT/   (CORS allows: $CORS_ORIGINS)
Try it:
  curl -s -X POST http://localhost:$RASA_PORT/webhooks/rest/webhook \\
       -H 'Content-Type: application/json' -d '{"sender": "essai", "message": "C'"'"'est gratuit ?"}'
Conversations are kept $([ "$RASA_ENDPOINTS" = endpoints.yml ] && echo "in $TRACKER_DB" || echo "in the tracker store of $RASA_ENDPOINTS") for $RETENTION_DAYS days, personal data masked.
Rasa HTTP API: $([ ${#api_args[@]} -gt 0 ] && echo "on, protected" || echo "off").
Stop with Ctrl-C.

MSG
fi

# Serve until one of the servers stops (then stop the others) or until a signal.
set +e
wait -n "${children[@]}"
status=$?
# A Ctrl-C reaches the servers too: if they stopped for it, this is no failure.
sleep 0.2
[ -n "$interrupted" ] && exit "$interrupted"
echo "A server stopped by itself (exit status $status); stopping the others." >&2
exit "$(( status == 0 ? 1 : status ))"
