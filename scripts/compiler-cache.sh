# compiler-cache.sh: sourced by build.sh, package.sh, sanitize.sh and fuzz.sh. Sets
# `launcher` to ccache's CMake launcher when ccache is installed, keyed so that build
# folders and clones of the repository share entries (paths relative to the repository,
# the build folder left out of the hash): a sanitized rebuild after a small change takes
# minutes instead of the ~45 of a cold one on 2 cores.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
fi
