// stop_signals.cpp: see stop_signals.h.
#include "harness/cli/stop_signals.h"

#include <pthread.h>

#include <csignal>
#include <thread>

namespace ebsmock::cli {

int run_until_signalled(const std::function<int(std::stop_token)>& body) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::stop_source stop;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    stop.request_stop();
  });
  int status = body(stop.get_token());
  // If the body ended for another reason, wake the waiter so it can be joined.
  if (!stop.stop_requested()) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return status;
}

}  // namespace ebsmock::cli
