// connection_control.h: faults below HTTP on a connection that cpp-httplib owns.
// cpp-httplib 0.11.4 does not hand a handler its socket, so the socket is found by its
// peer and local addresses, and "closed" by dup2()-ing /dev/null over the descriptor:
// the socket is released (FIN, or RST with SO_LINGER 0) while the descriptor number
// stays taken until cpp-httplib closes it itself, so no other connection can reuse it
// in between. Later writes by cpp-httplib go to /dev/null; its next read sees EOF.
// Thread-safe (system calls on one descriptor owned by the calling worker).
#pragma once

#include <stop_token>
#include <string>

#include "contracts/time.h"
#include "mock/clock.h"

namespace ebsmock::mock {

// The descriptor of the accepted connection from remote_addr:remote_port to local_port,
// or -1 when it cannot be found (then the fault degrades to a plain close by the caller).
int find_connection_fd(const std::string& remote_addr, int remote_port, int local_port);

// Half-closes for reading (SHUT_RD) every accepted connection on local_port, so that a
// worker waiting for a keep-alive connection's next request sees EOF at once, while a
// worker still writing an answer can finish it. Used on shutdown. Returns how many.
int shut_reading_of_connections(int local_port);

// Releases the connection: with `reset`, an RST and no FIN; otherwise a FIN.
bool abort_connection(int fd, bool reset);

// Holds the connection without answering until the peer closes it, `cap` passes on
// `clock`, or `stop` fires. The peer is watched by a helper thread blocked in poll(), so
// the wait itself is the clock's (a test's ManualClock releases it). `fd` < 0 (the socket
// was not found): only the clock and `stop` end the hold.
void hold(int fd, contracts::Duration cap, Clock& clock, std::stop_token stop);

}  // namespace ebsmock::mock
