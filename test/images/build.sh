#!/usr/bin/env bash
# Builds the local images the integration tests use. These machines have no image registry
# (see shared/TESTING.md), so images are made here from Debian's packages with `docker import`.
#
#   shoal.test/busybox:1   /bin/busybox (busybox-static) plus symlinks for the common applets.
#
# Usage: test/images/build.sh [--force]
# Idempotent: an image that already exists is kept unless --force is given.
# Needs: a running Docker engine (see .ci/run) and the busybox-static package.
set -euo pipefail

IMAGE=shoal.test/busybox:1
BUSYBOX=${BUSYBOX:-/bin/busybox}
APPLETS=(sh ls cat echo sleep httpd wget nc hostname env ps kill mkdir rm touch grep id true false printf test
  head tail)

log() { printf 'build.sh: %s\n' "$*"; }
die() {
  printf 'build.sh: error: %s\n' "$*" >&2
  exit 1
}

force=0
for arg in "$@"; do
  case "$arg" in
  --force | -f) force=1 ;;
  -h | --help)
    echo "usage: $0 [--force]"
    exit 0
    ;;
  *) die "unknown argument: $arg (usage: $0 [--force])" ;;
  esac
done

command -v docker >/dev/null 2>&1 || die "docker client not found: apt-get install docker.io"
timeout 20 docker info >/dev/null 2>&1 || die "Docker engine not reachable (start dockerd as .ci/run does)"

old_id=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
if [[ -n $old_id && $force -eq 0 ]]; then
  log "$IMAGE already present (${old_id:7:12}), skipped; --force rebuilds it"
  exit 0
fi

[[ -x $BUSYBOX ]] || die "$BUSYBOX not found: apt-get install busybox-static"
# The image has no libc: a dynamically linked busybox (Debian's `busybox` package) would not run in it.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
  die "$BUSYBOX is dynamically linked: apt-get install busybox-static"
fi
available=" $("$BUSYBOX" --list | tr '\n' ' ') "
for a in "${APPLETS[@]}"; do
  [[ $available == *" $a "* ]] || die "$BUSYBOX has no '$a' applet"
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,root,tmp,www}
chmod 1777 "$root/tmp"
cp "$BUSYBOX" "$root/bin/busybox"
for a in "${APPLETS[@]}"; do
  ln -s busybox "$root/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

version=$({ "$BUSYBOX" 2>&1 || true; } | sed -n '1{s/ multi-call binary\.$//;p;}')
tar --numeric-owner --owner=0 --group=0 -C "$root" -c . |
  docker import \
    --change 'CMD ["/bin/sh"]' \
    --change 'ENV PATH=/bin' \
    --change 'LABEL shoal.test.image=busybox' \
    --message "shoal test image: $version" \
    - "$IMAGE" >/dev/null

new_id=$(docker image inspect --format '{{.Id}}' "$IMAGE")
# Smoke test: the image runs and its applets resolve.
out=$(docker run --rm --network none "$IMAGE" sh -c 'hostname >/dev/null && ls /bin/tail >/dev/null && echo ok')
[[ $out == ok ]] || die "smoke test of $IMAGE failed (printed: $out)"

if [[ -n $old_id && $old_id != "$new_id" ]]; then
  # The previous build is now untagged; drop it unless a container still uses it.
  docker image rm "$old_id" >/dev/null 2>&1 || true
  log "rebuilt $IMAGE (${new_id:7:12}, was ${old_id:7:12}) from $version"
else
  log "built $IMAGE (${new_id:7:12}) from $version, applets: ${APPLETS[*]}"
fi
