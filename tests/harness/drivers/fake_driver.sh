#!/bin/sh
# fake_driver.sh: a scripted driver for tests/harness/exec_client_test.cpp. It speaks the
# JSON-lines driver protocol (README "Driver protocol") well or badly on purpose; the
# request's "action" picks the behaviour:
#   Echo            ok; body = {"RequestId", "Env": the protocol variables + EBSMOCK_TEST_KEPT,
#                   "Request": the request line exactly as received}
#   ApiError        ok:false with status 403 (a service error)
#   TransportError  ok:false without status (nothing received)
#   Stderr          writes a line to stderr, then answers like Echo
#   Noisy           writes ~1 MiB to stderr first (must not block the driver), then answers
#   Crash           exits with status 3
#   Segfault        kills itself with SIGSEGV
#   Hang            never answers (sleeps)
#   Garbage         prints a line that is not JSON
#   WrongId         answers with the id + 1
#   MissingBody     {"id":N,"ok":true} (no body)
#   Partial         prints half a line, then exits 0
#   TwoLines        answers twice (the next request then sees a stale answer)
#   anything else   ok:false DriverBadRequest
# POSIX sh only (no python/jq): the harness always writes {"id":N,"action":"A",...}, which
# parameter expansion can take apart. Reads until EOF on stdin, as the protocol says.
while IFS= read -r line; do
  id=${line#*\"id\":}
  id=${id%%,*}
  action=${line#*\"action\":\"}
  action=${action%%\"*}
  echo_answer() {
    printf '{"id":%s,"ok":true,"body":{"RequestId":"rid-%s","Env":{"EBSMOCK_ENDPOINT":"%s","ALIBABA_CLOUD_ACCESS_KEY_ID":"%s","ALIBABA_CLOUD_ACCESS_KEY_SECRET":"%s","ALIBABA_CLOUD_REGION_ID":"%s","EBSMOCK_TEST_KEPT":"%s"},"Request":%s}}\n' \
      "$id" "$id" "$EBSMOCK_ENDPOINT" "$ALIBABA_CLOUD_ACCESS_KEY_ID" \
      "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" "$ALIBABA_CLOUD_REGION_ID" "$EBSMOCK_TEST_KEPT" "$line"
  }
  case $action in
    Echo) echo_answer ;;
    ApiError)
      printf '{"id":%s,"ok":false,"error":{"code":"OperationDenied.InvalidStatus","status":403,"message":"The operation is not allowed in current status.","request_id":"RID-403"}}\n' "$id" ;;
    TransportError)
      printf '{"id":%s,"ok":false,"error":{"code":"ECONNREFUSED","message":"connect ECONNREFUSED 127.0.0.1:1"}}\n' "$id" ;;
    Stderr)
      echo "hello from the fake driver" >&2
      echo_answer ;;
    Noisy)
      i=0
      while [ $i -lt 2048 ]; do
        echo "noise $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" >&2
        i=$((i + 1))
      done
      echo_answer ;;
    Crash) exit 3 ;;
    Segfault) kill -SEGV $$ ;;
    Hang) sleep 60 ;;
    Garbage) echo 'this is not json {' ;;
    WrongId) printf '{"id":%s,"ok":true,"body":{}}\n' "$((id + 1))" ;;
    MissingBody) printf '{"id":%s,"ok":true}\n' "$id" ;;
    Partial)
      printf '{"id":%s,"ok":tr' "$id"
      exit 0 ;;
    TwoLines)
      echo_answer
      echo_answer ;;
    *)
      printf '{"id":%s,"ok":false,"error":{"code":"DriverBadRequest","message":"unknown action"}}\n' "$id" ;;
  esac
done
