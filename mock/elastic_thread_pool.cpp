// elastic_thread_pool.cpp: grow-on-demand worker pool.
#include "mock/elastic_thread_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ebsmock::mock {

ElasticThreadPool::ElasticThreadPool(std::size_t min_threads, std::size_t max_threads, int worker_nice,
                                     std::chrono::milliseconds idle_timeout)
    : min_threads_(min_threads), max_threads_(std::max(min_threads, max_threads)),
      idle_timeout_(idle_timeout), worker_nice_(worker_nice) {
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < min_threads_; ++i) {
    ++live_;
    threads_.emplace_back([this] { worker_loop(); });
  }
}

ElasticThreadPool::~ElasticThreadPool() { shutdown(); }

void ElasticThreadPool::enqueue(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  if (shutdown_) return;
  tasks_.push_back(std::move(fn));
  // Grow when every live worker is busy: each task may hold its thread for a whole
  // keep-alive connection.
  if (idle_ < tasks_.size() && live_ < max_threads_) {
    reap_finished_locked();
    ++live_;
    threads_.emplace_back([this] { worker_loop(); });
  }
  cv_.notify_one();
}

void ElasticThreadPool::shutdown() {
  std::list<std::thread> to_join;
  {
    std::lock_guard lock(mu_);
    if (shutdown_ && threads_.empty()) return;
    shutdown_ = true;
    to_join.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : to_join) {
    if (t.joinable()) t.join();
  }
}

std::size_t ElasticThreadPool::thread_count() const {
  std::lock_guard lock(mu_);
  return live_;
}

void ElasticThreadPool::reap_finished_locked() {
  for (auto id : finished_) {
    auto it = std::find_if(threads_.begin(), threads_.end(),
                           [&](const std::thread& t) { return t.get_id() == id; });
    if (it != threads_.end()) {
      it->join();  // the thread has left worker_loop; join returns at once
      threads_.erase(it);
    }
  }
  finished_.clear();
}

namespace {

// Lowers the calling thread's priority by `steps` nice steps (0: as it is). Linux keeps a
// nice value per thread, so the rest of the process is not touched.
void lower_this_thread_priority(int steps) {
  if (steps <= 0) return;
  // PRIO_PROCESS with a thread id names that one thread on Linux (setpriority(2), NOTES).
  const auto self = static_cast<id_t>(::gettid());
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, self);
  if (now == -1 && errno != 0) return;
  // The kernel stops at 19. A refusal is harmless: the thread serves at the priority it
  // inherited.
  ::setpriority(PRIO_PROCESS, self, now + steps);
}

}  // namespace

void ElasticThreadPool::worker_loop() {
  lower_this_thread_priority(worker_nice_);
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      ++idle_;
      bool got = cv_.wait_for(lock, idle_timeout_, [&] { return shutdown_ || !tasks_.empty(); });
      --idle_;
      if (!got && live_ > min_threads_) {
        // Retire: record our id so the next enqueue joins us.
        --live_;
        finished_.push_back(std::this_thread::get_id());
        return;
      }
      if (tasks_.empty()) {
        if (shutdown_) {
          --live_;
          return;
        }
        continue;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace ebsmock::mock
