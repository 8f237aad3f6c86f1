// elastic_thread_pool.h: a task queue for cpp-httplib that grows with demand.
// cpp-httplib 0.11.4 gives each keep-alive connection a worker for its whole life, and
// its default pool has 8 workers on a 2-core machine, so the 9th concurrent client (or
// the 9th request held by an injected delay) would wait. This pool starts a thread
// whenever no worker is idle, up to `max_threads`, and lets surplus threads retire
// after `idle_timeout`. Each worker lowers its own priority by `worker_nice` steps when
// it starts (see HttpServerOptions::worker_nice for why). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

#include <httplib.h>

namespace ebsmock::mock {

class ElasticThreadPool final : public httplib::TaskQueue {
 public:
  ElasticThreadPool(std::size_t min_threads, std::size_t max_threads, int worker_nice = 0,
                    std::chrono::milliseconds idle_timeout = std::chrono::seconds(30));
  ~ElasticThreadPool() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  std::size_t thread_count() const;

 private:
  void worker_loop();
  void reap_finished_locked();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::list<std::thread> threads_;
  std::list<std::thread::id> finished_;
  std::size_t min_threads_;
  std::size_t max_threads_;
  std::chrono::milliseconds idle_timeout_;
  int worker_nice_;
  std::size_t idle_ = 0;
  std::size_t live_ = 0;
  bool shutdown_ = false;
};

}  // namespace ebsmock::mock
