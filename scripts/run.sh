#!/usr/bin/env bash
# Starts the action server, then one of:
#   run.sh serve        the Rasa server with its REST and Socket.IO channels, and the widget's demo page
#                       (the default, `make run`)
#   run.sh shell        a conversation in the terminal (`make shell`)
#   run.sh interactive  `rasa interactive`: correct the bot turn by turn and save the stories (`make interactive`)
# and stops everything it started on exit, Ctrl-C or SIGTERM.
# Ports: ACTIONS_PORT (default 5055), RASA_PORT (default 5005), WEB_PORT (default 8080).
# CORS_ORIGINS: the web pages allowed to call the Rasa server (default: the demo page's own origins).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-serve}
venv=${VENV:-.venv}
rasa="$venv/bin/rasa"
export ACTIONS_PORT=${ACTIONS_PORT:-5055}
export RASA_PORT=${RASA_PORT:-5005}
export WEB_PORT=${WEB_PORT:-8080}
CORS_ORIGINS=${CORS_ORIGINS:-"http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT"}
# Seconds to wait for a server to be ready (the Rasa server loads its model first: ~35 s here).
START_TIMEOUT=${START_TIMEOUT:-180}

children=()
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

if ! ls models/*.tar.gz >/dev/null 2>&1; then
    echo "ERROR: no model in models/. Train one first: make train" >&2
    exit 1
fi

echo "Starting the action server on port $ACTIONS_PORT..."
"$rasa" run actions --actions actions --port "$ACTIONS_PORT" &
children+=($!)
wait_until_ready "http://localhost:$ACTIONS_PORT/health" "${children[-1]}" "action server"

case "$mode" in
    shell)
        echo "Action server ready. Starting the shell: type your messages, /stop to quit."
        "$rasa" shell --model models --endpoints endpoints.yml
        exit 0
        ;;
    interactive)
        echo "Action server ready. Starting rasa interactive (Ctrl-C to stop, then choose to save)."
        "$rasa" interactive --model models --domain domain.yml --data data --config config.yml \
            --endpoints endpoints.yml --skip-visualization
        exit 0
        ;;
    serve) ;;
    *)
        echo "usage: $0 [serve|shell|interactive]" >&2
        exit 2
        ;;
esac

echo "Starting the Rasa server on port $RASA_PORT (loading the model takes about half a minute)..."
# shellcheck disable=SC2086 # one argument per origin
"$rasa" run --model models --port "$RASA_PORT" --credentials credentials.yml --endpoints endpoints.yml \
    --cors $CORS_ORIGINS &
children+=($!)
wait_until_ready "http://localhost:$RASA_PORT/" "${children[-1]}" "Rasa server"

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
Stop with Ctrl-C.

MSG

# Serve until one of the servers stops (then stop the others) or until a signal.
set +e
wait -n "${children[@]}"
status=$?
# A Ctrl-C reaches the servers too: if they stopped for it, this is no failure.
sleep 0.2
[ -n "$interrupted" ] && exit "$interrupted"
echo "A server stopped by itself (exit status $status); stopping the others." >&2
exit "$(( status == 0 ? 1 : status ))"
