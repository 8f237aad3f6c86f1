// listen_address.h: where a listening command (`serve`, `record`) listens: the one
// definition of --host and --port and their defaults. Not thread-safe (CLI set-up, main
// thread).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace ebsmock::cli {

struct ListenAddress {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
};

inline void add_listen_options(CLI::App* cmd, ListenAddress& address) {
  cmd->add_option("--host", address.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", address.port, "Port to listen on; 0 picks a free port")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
}

}  // namespace ebsmock::cli
