#!/usr/bin/env bash
# Builds, starts and stops a throwaway kube-apiserver (with etcd) on the
# loopback interface, for the live-cluster tests of package live.
#
#   scripts/kube-apiserver.sh build        build (or reuse) the cached binaries
#   scripts/kube-apiserver.sh start DIR    build if needed, start both servers,
#                                          write DIR/kubeconfig and DIR/env
#   scripts/kube-apiserver.sh stop DIR     stop the servers started in DIR
#
# Nothing is downloaded except Go modules through the module proxy:
# kube-apiserver is built from the k8s.io/kubernetes module and etcd from the
# go.etcd.io/etcd/server/v3 module, at the versions pinned below. The binaries
# are cached under $NETPOLSIM_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/netpolsim), keyed by version, so a warm run
# skips the build.
#
# DIR/kubeconfig has three contexts over the same server: "admin" (the
# current context; member of system:masters), and "restricted" and
# "namespaced", users with no rights until the tests grant them some through
# RBAC, so that the tests can check the permission errors. DIR/env holds
# "export NETPOLSIM_TEST_KUBECONFIG=DIR/kubeconfig" for sourcing.
set -euo pipefail

KUBERNETES_VERSION=v1.37.2 # k8s.io/kubernetes; staging modules at v0.37.2
STAGING_VERSION=v0.37.2
ETCD_VERSION=v3.7.0 # the etcd client version k8s.io/kubernetes v1.37.2 requires

CACHE="${NETPOLSIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netpolsim}"
APISERVER_BIN="$CACHE/bin/kube-apiserver-$KUBERNETES_VERSION"
ETCD_BIN="$CACHE/bin/etcd-$ETCD_VERSION"

log() { echo "kube-apiserver.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# Staging modules that k8s.io/kubernetes replaces with its own ./staging
# directories; a module outside that repository must pin them by version.
STAGING_MODULES="api apiextensions-apiserver apimachinery apiserver cli-runtime
client-go cloud-provider cluster-bootstrap code-generator component-base
component-helpers controller-manager cri-api cri-client cri-streaming
csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms
kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl
kubelet metrics mount-utils pod-security-admission sample-apiserver
sample-cli-plugin sample-controller streaming"

build_apiserver() {
  [ -x "$APISERVER_BIN" ] && return 0
  local dir="$CACHE/build/kube-apiserver-$KUBERNETES_VERSION"
  mkdir -p "$dir" "$CACHE/bin"
  log "building kube-apiserver $KUBERNETES_VERSION in $dir (takes a while, cached afterwards)"
  {
    echo "module netpolsim.invalid/kube-apiserver-build"
    echo
    echo "go 1.26.0"
    echo
    echo "tool k8s.io/kubernetes/cmd/kube-apiserver"
    echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    echo
    echo "replace ("
    for m in $STAGING_MODULES; do
      echo "	k8s.io/$m => k8s.io/$m $STAGING_VERSION"
    done
    echo ")"
  } >"$dir/go.mod"
  local start=$SECONDS
  (
    cd "$dir"
    export GOFLAGS=-mod=mod
    go mod tidy
    local pkg=k8s.io/component-base/version
    go build -trimpath -o "$APISERVER_BIN.tmp" \
      -ldflags "-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=37 -X $pkg.gitTreeState=clean" \
      k8s.io/kubernetes/cmd/kube-apiserver
  )
  mv "$APISERVER_BIN.tmp" "$APISERVER_BIN"
  log "built kube-apiserver in $((SECONDS - start)) s"
}

build_etcd() {
  [ -x "$ETCD_BIN" ] && return 0
  local dir="$CACHE/build/etcd-$ETCD_VERSION"
  mkdir -p "$dir" "$CACHE/bin"
  log "building etcd $ETCD_VERSION in $dir"
  {
    echo "module netpolsim.invalid/etcd-build"
    echo
    echo "go 1.26.0"
    echo
    echo "tool go.etcd.io/etcd/server/v3"
    echo
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  } >"$dir/go.mod"
  local start=$SECONDS
  (
    cd "$dir"
    export GOFLAGS=-mod=mod
    go mod tidy
    go build -trimpath -ldflags "-s -w" -o "$ETCD_BIN.tmp" go.etcd.io/etcd/server/v3
  )
  mv "$ETCD_BIN.tmp" "$ETCD_BIN"
  log "built etcd in $((SECONDS - start)) s"
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

# wait_ready polls url (with curl args) until it answers 200 or the process
# with pid $2 dies, for at most $3 seconds.
wait_ready() {
  local url=$1 pid=$2 limit=$3 log=$4
  shift 4
  local start=$SECONDS
  until curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$log" >&2 || true
      die "process $pid exited before $url was ready (log: $log)"
    fi
    if ((SECONDS - start > limit)); then
      tail -n 40 "$log" >&2 || true
      die "$url not ready after $limit s (log: $log)"
    fi
    sleep 0.5
  done
}

start() {
  local dir=$1
  [ -n "$dir" ] || die "start needs a directory"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  build_etcd
  build_apiserver
  command -v openssl >/dev/null || die "openssl is needed to make the certificates"
  command -v curl >/dev/null || die "curl is needed to wait for the servers"

  local pki="$dir/pki"
  mkdir -p "$pki"
  # A CA, a serving certificate for 127.0.0.1, and the service-account key.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=netpolsim-test-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
    -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$pki/ext.cnf"
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 2 -extfile "$pki/ext.cnf" -out "$pki/apiserver.crt" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null

  # Three users with bearer tokens: admin (system:masters passes every RBAC
  # check), restricted and namespaced (no groups but system:authenticated;
  # the tests grant them what they need).
  local admin_token restricted_token namespaced_token
  admin_token=$(openssl rand -hex 24)
  restricted_token=$(openssl rand -hex 24)
  namespaced_token=$(openssl rand -hex 24)
  {
    echo "$admin_token,admin,admin-uid,\"system:masters\""
    echo "$restricted_token,restricted,restricted-uid"
    echo "$namespaced_token,namespaced,namespaced-uid"
  } >"$pki/tokens.csv"
  chmod 600 "$pki"/*.key "$pki/tokens.csv"

  local etcd_port etcd_peer_port api_port
  etcd_port=$(free_port)
  etcd_peer_port=$(free_port)
  api_port=$(free_port)

  "$ETCD_BIN" --name netpolsim-test --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "netpolsim-test=http://127.0.0.1:$etcd_peer_port" \
    --unsafe-no-fsync --log-level warn >"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"
  wait_ready "http://127.0.0.1:$etcd_port/health" "$(cat "$dir/etcd.pid")" 60 "$dir/etcd.log"

  "$APISERVER_BIN" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --token-auth-file "$pki/tokens.csv" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --disable-admission-plugins ServiceAccount \
    --endpoint-reconciler-type none \
    --cert-dir "$dir/cert" \
    --profiling=false >"$dir/kube-apiserver.log" 2>&1 &
  echo $! >"$dir/kube-apiserver.pid"
  wait_ready "https://127.0.0.1:$api_port/readyz" "$(cat "$dir/kube-apiserver.pid")" 180 "$dir/kube-apiserver.log" \
    --cacert "$pki/ca.crt" -H "Authorization: Bearer $admin_token"

  local ca
  ca=$(base64 -w0 <"$pki/ca.crt")
  cat >"$dir/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster:
      server: https://127.0.0.1:$api_port
      certificate-authority-data: $ca
users:
  - name: admin
    user:
      token: $admin_token
  - name: restricted
    user:
      token: $restricted_token
  - name: namespaced
    user:
      token: $namespaced_token
contexts:
  - name: admin
    context: {cluster: test, user: admin}
  - name: restricted
    context: {cluster: test, user: restricted}
  - name: namespaced
    context: {cluster: test, user: namespaced}
current-context: admin
KUBECONFIG
  chmod 600 "$dir/kubeconfig"
  echo "export NETPOLSIM_TEST_KUBECONFIG=$dir/kubeconfig" >"$dir/env"
  log "kube-apiserver ready at https://127.0.0.1:$api_port (kubeconfig: $dir/kubeconfig)"
}

stop() {
  local dir=$1
  [ -n "$dir" ] || die "stop needs a directory"
  local name pid
  for name in kube-apiserver etcd; do
    [ -f "$dir/$name.pid" ] || continue
    pid=$(cat "$dir/$name.pid")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
      done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/$name.pid"
  done
}

case "${1:-}" in
build)
  build_etcd
  build_apiserver
  ;;
start)
  start "${2:-}"
  ;;
stop)
  stop "${2:-}"
  ;;
*)
  die "usage: $0 build | start DIR | stop DIR"
  ;;
esac
