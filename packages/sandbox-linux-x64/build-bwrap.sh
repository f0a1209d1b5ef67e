#!/usr/bin/env bash
# Rebuilds bin/bwrap: bubblewrap from Debian bookworm's source package plus patches/, linked statically
# (static-pie) against musl and a libcap built from Debian's libcap2 source package, so it
# runs on any x86_64 Linux without shared libraries. Needs a Debian bookworm (or derived)
# x86_64 machine with a deb-src entry for bookworm; run it as root or with sudo for apt-get.
#
#   ./build-bwrap.sh            # build, then replace bin/bwrap and the licence files
#   ./build-bwrap.sh --deps     # first install the build tools with apt-get
#
# The versions are pinned; the script prints the SHA-256 of the result (the README lists the
# one committed).
set -euo pipefail

BWRAP_VERSION=0.8.0-2+deb12u1
LIBCAP_VERSION=1:2.66-4+deb12u3
here="$(cd "$(dirname "$0")" && pwd)"

if [ "$(uname -m)" != x86_64 ]; then
  echo "build-bwrap.sh: this package is for x86_64; run it on an x86_64 machine" >&2
  exit 1
fi
if [ "${1:-}" = --deps ]; then
  apt-get update -qq
  apt-get install -y -qq musl-tools meson ninja-build pkg-config dpkg-dev linux-libc-dev xz-utils
fi
for tool in musl-gcc meson ninja dpkg-source apt-get patch strip readelf sha256sum; do
  command -v "$tool" >/dev/null || {
    echo "build-bwrap.sh: $tool is missing: run ./build-bwrap.sh --deps (apt-get install musl-tools meson ninja-build pkg-config dpkg-dev)" >&2
    exit 1
  }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get source -qq "bubblewrap=$BWRAP_VERSION" "libcap2=$LIBCAP_VERSION" >/dev/null 2>apt.log; then
  cat apt.log >&2
  cat >&2 <<'MSG'
build-bwrap.sh: apt-get source failed. Add Debian bookworm's source packages and retry:
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > /etc/apt/sources.list.d/debian-src.sources
  apt-get update
MSG
  exit 1
fi
bwrap_src="$work/$(find . -maxdepth 1 -type d -name 'bubblewrap-*' -printf '%f\n')"
libcap_src="$work/$(find . -maxdepth 1 -type d -name 'libcap2-*' -printf '%f\n')"
# Our one change to bubblewrap (see the patch's header): the monitor reaps the sandbox's pid 1.
for p in "$here"/patches/*.patch; do patch -s -d "$bwrap_src" -p1 <"$p"; done

# musl's headers lack the kernel's uapi headers bwrap includes (linux/sched.h, linux/loop.h...):
# borrow them from linux-libc-dev, after musl's own.
mkdir kernel-headers
ln -s /usr/include/linux kernel-headers/linux
ln -s /usr/include/asm-generic kernel-headers/asm-generic
ln -s /usr/include/x86_64-linux-gnu/asm kernel-headers/asm

# Debian's musl-gcc.specs always asks for the dynamic loader; this one adds static-pie
# (rcrt1.o, -static -pie --no-dynamic-linker), as gcc's own specs do for glibc.
musl=/usr/lib/x86_64-linux-musl
cat > musl-static-pie.specs <<SPECS
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem /usr/include/x86_64-linux-musl -isystem include%s %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem /usr/include/x86_64-linux-musl -isystem include%s

*link_libgcc:
-L$musl -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
%{static-pie:$musl/rcrt1.o;!shared:$musl/Scrt1.o} $musl/crti.o crtbeginS.o%s

*endfile:
crtendS.o%s $musl/crtn.o

*link:
%{static-pie:-static -pie --no-dynamic-linker -z text;:-dynamic-linker /lib/ld-musl-x86_64.so.1} -nostdlib %{shared:-shared}

*esp_link:


*esp_options:


*esp_cpp_options:


SPECS
cc="gcc -specs=$work/musl-static-pie.specs"

# libcap: only the library (bwrap uses capget/capset through it), with musl.
make -s -C "$libcap_src/libcap" CC="$cc" BUILD_CC=gcc libcap.a >/dev/null
mkdir pkgconfig
cat > pkgconfig/libcap.pc <<PC
Name: libcap
Description: libcap from Debian's libcap2 source, built with musl
Version: 2.66
Cflags: -I$libcap_src/libcap/include -I$libcap_src/libcap/include/uapi
Libs: $libcap_src/libcap/libcap.a
PC

cflags="-Os -fPIE -idirafter $work/kernel-headers -ffunction-sections -fdata-sections -fstack-protector-strong -D_FORTIFY_SOURCE=2"
ldflags="-static-pie -Wl,--gc-sections -Wl,-z,relro,-z,now"
(
  cd "$bwrap_src"
  CC="$cc" CFLAGS="$cflags" LDFLAGS="$ldflags" PKG_CONFIG_PATH="$work/pkgconfig" PKG_CONFIG_LIBDIR="$work/pkgconfig" \
    meson setup "$work/build" --buildtype=plain -Dselinux=disabled -Dman=disabled \
    -Dbash_completion=disabled -Dzsh_completion=disabled -Dtests=false >"$work/meson.log"
)
ninja -C "$work/build" >"$work/ninja.log"
strip "$work/build/bwrap"

# Refuse a binary that would need a loader or does not run.
if readelf -l "$work/build/bwrap" | grep -q INTERP; then
  echo "build-bwrap.sh: the result asks for a dynamic loader; static-pie linking failed" >&2
  exit 1
fi
"$work/build/bwrap" --version

install -m 0755 "$work/build/bwrap" "$here/bin/bwrap"
cp "$bwrap_src/COPYING" "$here/COPYING"
cp "$libcap_src/License" "$here/LICENSE.libcap"
cp /usr/share/doc/musl/copyright "$here/LICENSE.musl"
echo "bwrap: $(stat -c %s "$here/bin/bwrap") bytes, sha256 $(sha256sum "$here/bin/bwrap" | cut -d' ' -f1)"
