// race_window.h: the seam a planted concurrency bug (server_mutants.h, concurrency.md
// §8.6) opens between its check and its act. The correct server never opens it: its
// checks and acts run under one lock. A mutant that opens it lets the Service's lock go,
// waits (`serve --race-window-ms` on the wait clock, or, when a hold_until fault fired on
// the request, until the hold is released: the race becomes a schedule), and takes the
// lock back before acting on what it checked.
// Implemented by the Service for one request (or one admin clock advance); used on that
// request's thread, under the Service's mutex.
#pragma once

#include <stdexcept>

namespace ebsmock::mock {

class RaceWindow {
 public:
  virtual ~RaceWindow() = default;
  // Returns with the Service's lock held again. Throws WorldReplaced when the world was
  // reset or replaced meanwhile: nothing checked before still holds, the caller must not act.
  virtual void open() = 0;
};

struct WorldReplaced : std::runtime_error {
  WorldReplaced() : std::runtime_error("the world was reset while the call waited") {}
};

// A window that never opens (dry runs, code outside the request pipeline).
class ClosedWindow final : public RaceWindow {
 public:
  void open() override {}
};

}  // namespace ebsmock::mock
