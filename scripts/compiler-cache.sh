# compiler-cache.sh: sourced by build.sh and package.sh. Sets `launcher` to ccache's CMake
# launcher when ccache is installed, keyed so that build/ and build-package/ share entries
# (paths relative to the repository, the build folder left out of the hash).
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
fi
