# Shared by the bench scripts (sourced): a work dir, clean-up of the server and data source they
# start, waiting for a line in a log. The caller sets WORK_PREFIX before sourcing.
work=$(mktemp -d "/tmp/${WORK_PREFIX:-ferry-bench}.XXXXXX")
server_pid=""; source_pid=""
cleanup() {
  set +e
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; [ -n "$server_pid" ] && wait "$server_pid" 2>/dev/null
  [ -n "$source_pid" ] && kill "$source_pid" 2>/dev/null; [ -n "$source_pid" ] && wait "$source_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {  # FILE REGEX SECONDS -> first match
  local i
  for i in $(seq 1 $(( $3 * 10 ))); do
    if grep -qE "$2" "$1" 2>/dev/null; then grep -oE "$2" "$1" | head -n1; return 0; fi
    sleep 0.1
  done
  echo "bench: timed out waiting for /$2/ in $1:" >&2; tail -n 20 "$1" >&2; return 1
}
