#!/usr/bin/env bash
# Builds a Java 17 runtime base image for src/main/docker/Dockerfile.jvm without any container registry (none is
# reachable from CI): a Debian minbase root file system (debootstrap, from the Debian mirror the machine already
# uses) plus a JRE that jlink cuts from this machine's own JDK 17, in the layout of Eclipse Temurin's JRE images
# (/opt/java/openjdk, on the PATH). The Debian packages it carries are those that the JRE's native libraries link
# against (found with ldd + dpkg -S) plus libstdc++6 and libgcc-s1, which libtorch and OpenCV's natives need (both
# ship their own libgomp), and fontconfig with fonts-dejavu-core: Java2D finds no font without them, and POST
# /v1/render writes its labels in DejaVu Sans (it still draws boxes and points without fonts). User 185 (the
# image's USER, the pod's runAsUser) gets a passwd entry, as in the UBI base.
#
# usage: scripts/container/base-image.sh        prints the image name on stdout, progress on stderr
# The image is tagged with a hash of this script, the JDK build and the Debian release, and reused while it exists:
# a second run costs nothing. Remove it with `podman rmi <name>` (scripts/container-check.sh does so with
# CONTAINER_CHECK_KEEP_BASE=false).
# needs: root, podman, debootstrap, a JDK 17 with jmods (JDK17_HOME, default Debian's openjdk-17-jdk-headless).
# environment: CONTAINERS_CONF (see scripts/container/containers.conf), DEBIAN_MIRROR (default: the first Debian URI
# in the machine's apt sources).
set -euo pipefail
say() { echo "base-image: $*" >&2; }
jdk=${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
[ -d "$jdk/jmods" ] || { say "no JDK 17 with jmods at $jdk (set JDK17_HOME)"; exit 2; }
# shellcheck disable=SC1091
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$suite" ] || { say "cannot tell the Debian release from /etc/os-release"; exit 2; }
mirror=${DEBIAN_MIRROR:-$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
  /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2; exit}' || true)}
mirror=${mirror:-http://deb.debian.org/debian}

key=$( { cat "$0"; grep -h JAVA_RUNTIME_VERSION "$jdk/release"; echo "$suite"; } | sha256sum | cut -c1-12)
image=localhost/pros-face/jre17-base:$key
if podman image exists "$image"; then
  say "reusing $image"
  echo "$image"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pros-base.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A JRE: every runtime module of the JDK, without the development tools (compiler, jshell, jlink, debugger agents)
modules=$(find "$jdk/jmods" -name '*.jmod' -printf '%f\n' | sed 's/\.jmod$//' | grep -vxE \
  'jdk\.(compiler|javadoc|jshell|jlink|jpackage|jdeps|jartool|jconsole|hotspot\.agent|jstatd|editpad|jcmd|jdi|jdwp\.agent|attach|random|xml\.dom)|jdk\.internal\.(ed|le|opt|jvmstat)|jdk\.incubator\..*|java\.(compiler|smartcardio)' \
  | sort | paste -sd,)
say "jlink from $jdk"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$work/jre"
# headless server: drop the X11 toolkit, sound and splash-screen libraries (they would pull in X11 and ALSA)
rm -f "$work"/jre/lib/{libawt_xawt,libjawt,libjsound,libsplashscreen}.so

packages="libstdc++6 libgcc-s1 fontconfig fonts-dejavu-core"
while read -r library; do
  owner=$(dpkg -S "$(realpath "$library")" 2>/dev/null || dpkg -S "$library" 2>/dev/null) \
    || { say "no Debian package owns $library (needed by the JRE)"; exit 2; }
  packages="$packages ${owner%%:*}"
done < <(find "$work/jre" -name '*.so' -exec ldd {} + 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}' \
  | grep -v "^$work/jre/" | sort -u)
packages=$(tr ' ' '\n' <<< "$packages" | sort -u | paste -sd,)

say "debootstrap --variant=minbase $suite from $mirror, with $packages"
debootstrap --variant=minbase --include="$packages" "$suite" "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; say "debootstrap failed (is $mirror reachable?)"; exit 3; }
mkdir -p "$work/rootfs/opt/java"
mv "$work/jre" "$work/rootfs/opt/java/openjdk"
chroot "$work/rootfs" /bin/sh -c 'groupadd -r -g 185 pros-face && useradd -r -u 185 -g 185 -m -d /home/pros-face -s /usr/sbin/nologin pros-face'
rm -rf "$work"/rootfs/usr/share/{doc,man,info,locale} "$work"/rootfs/var/cache/apt/* "$work"/rootfs/var/lib/apt/lists/* \
  "$work"/rootfs/var/log/* "$work"/rootfs/var/cache/debconf/*-old

say "importing $image"
tar -C "$work/rootfs" --numeric-owner -c . | podman import --quiet \
  --change 'ENV JAVA_HOME=/opt/java/openjdk' \
  --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change "LABEL io.prosface.container-check=base" \
  - "$image" > /dev/null
# earlier builds of the base (another version of this script, another JDK build) are of no further use
podman images --filter reference=localhost/pros-face/jre17-base --format '{{.Repository}}:{{.Tag}}' \
  | grep -vxF "$image" | xargs -r podman rmi > /dev/null 2>&1 || true
echo "$image"
