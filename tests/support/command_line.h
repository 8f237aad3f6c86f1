// command_line.h: what tests of the `ebsmock` command line share: run the binary
// (EBSMOCK_BINARY), or any command, in a shell and collect its output and exit status, read a file whole,
// and the example trace's path. Test-only and header-only; every call is independent
// (as thread-safe as popen).
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace ebsmock::test {

inline const std::string kExampleTracePath =
    std::string(EBSMOCK_SOURCE_DIR) + "/scenarios/traces/example-customer-trace.jsonl";

struct CommandRun {
  int exit_code = -1;  // -1: the command could not run or did not exit normally
  std::string output;  // stdout and stderr, interleaved as written
};

// `COMMAND 2>&1` in a shell; COMMAND is shell text, quoted by the caller.
inline CommandRun run_command(std::string_view command_text) {
  const std::string command = std::string(command_text) + " 2>&1";
  CommandRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer;
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
    run.output.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// `ebsmock ARGUMENTS 2>&1`; ARGUMENTS is shell text, quoted by the caller.
inline CommandRun run_ebsmock(std::string_view arguments) {
  return run_command("'" + std::string(EBSMOCK_BINARY) + "' " + std::string(arguments));
}

// The whole file; "" when it cannot be read (the test's own assertions then fail).
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace ebsmock::test
