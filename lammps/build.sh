#!/bin/sh
# Build build/lmp_lodestone: Debian's LAMMPS (liblammps-dev) with pair_style lodestone, and
# pair_style snap compiled from Debian's own LAMMPS source (ML-SNAP is not in Debian's binary).
#   usage: lammps/build.sh BUILD_DIR LIBLODESTONE.a "LIBS"     (run by 'make lammps')
# Needs liblammps-dev and libopenmpi-dev.  Two headers that liblammps-dev does not install
# (neigh_request.h, for a full neighbour list, and exceptions.h) and the ML-SNAP sources are
# taken from the source package of the installed version ('apt-get source lammps', into
# BUILD_DIR/lammps-src with apt state of its own; or LAMMPS_SRC=DIR/src of an unpacked tree).
set -e
BUILD=${1:?usage: build.sh BUILD_DIR LIB LIBS}
LIB=${2:?}
LIBS=$3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if ! [ -f /usr/include/lammps/pair.h ] || ! command -v mpicxx >/dev/null; then
    echo "make lammps needs Debian's LAMMPS library and MPI: apt-get install liblammps-dev libopenmpi-dev" >&2
    exit 2
fi
VER=$(dpkg-query -W -f '${Version}' liblammps-dev)
SRC=${LAMMPS_SRC:-}
if [ -z "$SRC" ]; then
    mkdir -p "$BUILD"
    DL="$(cd "$BUILD" && pwd)/lammps-src"
    SRC=$(ls -d "$DL"/lammps-*/src 2>/dev/null | head -n 1 || true)
    if [ -z "$SRC" ] || ! [ -f "$DL/version" ] || [ "$(cat "$DL/version")" != "$VER" ]; then
        rm -rf "$DL"
        mkdir -p "$DL/apt/lists/partial" "$DL/apt/cache/archives/partial"
        . /etc/os-release
        echo "deb-src http://deb.debian.org/debian $VERSION_CODENAME main" > "$DL/apt/sources.list"
        O="-o Dir::Etc::SourceList=$DL/apt/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$DL/apt/lists -o Dir::Cache=$DL/apt/cache"
        apt-get -q $O update >/dev/null
        (cd "$DL" && apt-get -q $O source --download-only "lammps=$VER" >/dev/null)
        tar -C "$DL" -xJf "$DL"/lammps_*.orig.tar.xz --wildcards 'lammps-*/src/*.h' 'lammps-*/src/ML-SNAP/*'
        rm -f "$DL"/lammps_*.orig.tar.xz
        echo "$VER" > "$DL/version"
        SRC=$(ls -d "$DL"/lammps-*/src | head -n 1)
    fi
fi
OBJ="$BUILD/lammps"
mkdir -p "$OBJ"
FLAGS="-std=c++11 -O2 -g -DLAMMPS_SMALLBIG -DLAMMPS_EXCEPTIONS -I/usr/include/lammps -I$SRC -I$SRC/ML-SNAP -I$ROOT -I$ROOT/lammps"
for f in main pair_lodestone; do
    mpicxx $FLAGS -Wall -Wextra -Wno-cast-function-type -DLODESTONE_WITH_SNAP -c "$ROOT/lammps/$f.cpp" -o "$OBJ/$f.o"
done
for f in pair_snap sna; do
    [ "$OBJ/$f.o" -nt "$SRC/ML-SNAP/$f.cpp" ] || mpicxx $FLAGS -w -c "$SRC/ML-SNAP/$f.cpp" -o "$OBJ/$f.o"
done
mpicxx -fopenmp -o "$BUILD/lmp_lodestone" "$OBJ"/main.o "$OBJ"/pair_lodestone.o "$OBJ"/pair_snap.o "$OBJ"/sna.o \
    "$LIB" -llammps $LIBS
echo "built $BUILD/lmp_lodestone (LAMMPS $VER with pair_style lodestone and snap)"
