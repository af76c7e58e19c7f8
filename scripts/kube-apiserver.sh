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
# DIR/kubeconfig has two contexts over the same server: "admin" (the current
# context; member of system:masters) and "restricted" (a user that RBAC lets
# list namespaces, and pods only in namespace "restricted-ok"), so the tests
# can check the permission errors. DIR/env holds
# NETPOLSIM_TEST_KUBECONFIG=DIR/kubeconfig for sourcing.
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

case "${1:-}" in
build)
  build_etcd
  build_apiserver
  ;;
*)
  die "usage: $0 build | start DIR | stop DIR"
  ;;
esac
