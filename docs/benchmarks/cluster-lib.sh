#!/usr/bin/env bash
# Shared by the scripts that measure a cluster of ops/local-cluster.sh (source it, do not run it) after sourcing
# the cluster's cluster.env. They set $admin (an admin token), $standby_replicas, $settle_timeout and
# $stable_seconds, and define log (a line to the screen and the report).

# HS256 tokens as the instances issue them, minted here so 40 users cost no JVM start each
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
jwt() {
  local now header payload
  now="$(date +%s)"
  header="$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)"
  payload="$(printf '{"iss":"eventline","sub":"%s","iat":%d,"exp":%d,"roles":[]}' "$1" "$now" $((now + 86400)) | b64url)"
  printf '%s.%s.%s' "$header" "$payload" "$(printf '%s.%s' "$header" "$payload" \
    | openssl dgst -sha256 -hmac "$EVENTLINE_JWT_SECRET" -binary | b64url)"
}

cluster_json() { curl -sf --max-time 10 -H "Authorization: Bearer $admin" "$EVENTLINE_URL/api/v1/admin/cluster"; }
# the assignment's shape: every task's active and standbys, to tell when it stops changing
signature() { jq -c '[.applications[] | .applicationId as $a | .tasks[] | [$a, .taskId, .active, .standbys]]'; }
# instances named in the assignment, tasks without an active, standbys beyond EVENTLINE_STANDBY_REPLICAS
shape() {
  jq -r --argjson standbys "$standby_replicas" '[.applications[].tasks[]] as $tasks
    | [([$tasks[] | .active, .standbys[]] | map(select(. != null)) | unique | length),
       ([$tasks[] | select(.active == null)] | length),
       ([$tasks[] | (.standbys | length) - $standbys | if . > 0 then . else 0 end] | add // 0)] | @tsv'
}

# await_new N FILE: the first answer whose assignment names N instances and leaves no task without an active
await_new() {
  local want="$1" file="$2" start=$SECONDS answer
  while ((SECONDS - start < settle_timeout)); do
    if answer="$(cluster_json)"; then
      read -r named unassigned warmups <<<"$(shape <<<"$answer")"
      if ((named == want && unassigned == 0)); then
        echo "$answer" | jq . >"$file"
        log "first assignment with $want instances after $((SECONDS - start)) s: $warmups warm-up replicas"
        return
      fi
    fi
    sleep 2
  done
  log "no assignment with $want instances within $settle_timeout s"
  exit 1
}

# await_settled N FILE: an answer with N instances, every task assigned, no warm-up replica, and the same
# assignment for STABLE_SECONDS
await_settled() {
  local want="$1" file="$2" start=$SECONDS since="" last="" answer sig
  while ((SECONDS - start < settle_timeout)); do
    if answer="$(cluster_json)"; then
      read -r named unassigned warmups <<<"$(shape <<<"$answer")"
      sig="$(signature <<<"$answer")"
      if ((named == want && unassigned == 0 && warmups == 0)) && [[ "$sig" == "$last" ]]; then
        if ((SECONDS - since >= stable_seconds)); then
          echo "$answer" | jq . >"$file"
          log "settled with $want instances after $((SECONDS - start)) s (unchanged for $((SECONDS - since)) s)"
          return
        fi
      else
        since=$SECONDS
        last="$sig"
      fi
    fi
    sleep 5
  done
  log "the assignment with $want instances did not settle within $settle_timeout s"
  exit 1
}

