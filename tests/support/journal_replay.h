// journal_replay.h: what "the journal is the linearization of the model" means, as two
// checks any test can run on a journal (mock::JournalEntry list, oldest first):
//  - chain: per resource, every transition the journal shows (a request's, its member
//    pairs', the service's progress) starts where the resource's previous one ended, and a
//    resource's first transition creates it unless the scenario already had it;
//  - replay: a fresh model fed the journal in seq order (requests that ran, with their
//    journaled time, parameters and drawn ids; progress as the clock moves) makes the same
//    transitions, gives the same answers where the model answered, and ends in the world
//    it returns, for the caller to compare with the server's. A scenario [[event]]'s
//    forced change is replayed as the event (the journal's target and status), the
//    changes it drags along (a member's group) expected as the entries that follow.
// Failures are reported with ADD_FAILURE naming the entry's seq. Header-only; no state.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "contracts/world.h"
#include "mock/journal.h"
#include "scenarios/loader/initial_world.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::testing {

// "2024-01-01T00:00:05.250Z" -> the instant.
inline contracts::Instant journal_time(const std::string& text) {
  const auto dot = text.find('.');
  auto t = contracts::parse_iso8601(text.substr(0, dot) + "Z");
  EXPECT_TRUE(t) << text;
  return t.value_or(contracts::Instant{}) + std::chrono::milliseconds(std::stoi(text.substr(dot + 1, 3)));
}

// A fresh model of the scenario's world at its start.
inline contracts::World model_of(const scenarios::Scenario& scenario) {
  return scenarios::initial_world(scenario, scenario.clock.start);
}

// Returns how many transitions were chained.
inline int expect_transitions_chain(const std::vector<mock::JournalEntry>& entries, const contracts::World& initial) {
  std::map<std::pair<contracts::ResourceKind, std::string>, contracts::Status> status;
  for (const auto& [id, p] : initial.pairs()) status[{contracts::ResourceKind::Pair, id}] = p.status;
  for (const auto& [id, g] : initial.groups()) status[{contracts::ResourceKind::Group, id}] = g.status;
  for (const auto& [id, d] : initial.drills()) status[{contracts::ResourceKind::Drill, id}] = d.status;
  int chained = 0;
  for (const auto& e : entries) {
    std::vector<contracts::Transition> changes;
    if (e.transition) changes.push_back(*e.transition);
    changes.insert(changes.end(), e.member_transitions.begin(), e.member_transitions.end());
    const bool progress = e.kind == contracts::JournalKind::Progress;
    for (const auto& t : changes) {
      const auto key = std::make_pair(t.kind, t.id);
      auto it = status.find(key);
      if (it == status.end()) {
        if (progress || t.from) {
          ADD_FAILURE() << "#" << e.seq << " (" << (progress ? "progress" : e.action) << "): " << t
                        << " for a resource no earlier entry created";
          return chained;
        }
      } else if (t.from != it->second) {
        ADD_FAILURE() << "#" << e.seq << " (" << (progress ? "progress" : e.action) << "): " << t
                      << " does not start where its last change ended (" << contracts::to_string(it->second) << ")";
        return chained;
      }
      status[key] = t.to;
      ++chained;
    }
  }
  return chained;
}

struct Replayed {
  contracts::World world;
  int requests = 0;  // requests executed on the model
};

inline Replayed replay_journal(const std::vector<mock::JournalEntry>& entries, contracts::World model) {
  Replayed out{std::move(model)};
  std::deque<contracts::TimedTransition> due;  // what the model did that the journal must show next
  for (const auto& e : entries) {
    const auto at = journal_time(e.time);
    if (e.kind == contracts::JournalKind::Progress) {
      if (due.empty() && !e.event.empty() && e.transition) {
        if (!out.world.advance(at).empty()) {
          ADD_FAILURE() << "#" << e.seq << ": a change due before the event " << e.event << " is missing";
          return out;
        }
        const auto& t = *e.transition;
        auto forced = out.world.force(t.kind, t.id, t.to, at);
        for (auto& f : forced) due.push_back(contracts::TimedTransition{std::move(f), at});
      }
      if (due.empty()) {
        auto events = out.world.advance(at);
        due.assign(events.begin(), events.end());
      }
      if (due.empty()) {
        ADD_FAILURE() << "#" << e.seq << ": the journal shows " << *e.transition << " but the model has nothing due by "
                      << e.time;
        return out;
      }
      EXPECT_EQ(due.front().transition, *e.transition) << "#" << e.seq;
      EXPECT_EQ(due.front().vanished, e.vanished) << "#" << e.seq;
      due.pop_front();
      continue;
    }
    if (!e.effect_applied) continue;
    if (!due.empty()) {
      ADD_FAILURE() << "#" << e.seq << ": the model moved " << due.front().transition
                    << " but the journal shows it after a later request";
      return out;
    }
    if (!out.world.advance(at).empty()) {
      ADD_FAILURE() << "#" << e.seq << ": a change due before " << e.action << " is missing from the journal";
      return out;
    }
    const auto op = contracts::parse_operation(e.action);
    if (!op) {
      ADD_FAILURE() << "#" << e.seq << ": unknown action " << e.action;
      return out;
    }
    contracts::NewIds ids = e.new_ids;
    // A failed call's drawn ids are not journaled; the model fails it too without them.
    const auto needed = out.world.ids_needed(*op, e.params);
    if (needed.pair_id && ids.pair_id.empty()) ids.pair_id = "pair-cn-unused";
    if (needed.order_id && ids.order_id.empty()) ids.order_id = "0";
    if (needed.group_id && ids.group_id.empty()) ids.group_id = "pg-unused";
    if (needed.drill_id && ids.drill_id.empty()) ids.drill_id = "drill-unused";
    while (ids.drill_disk_ids.size() < needed.drill_disk_ids) ids.drill_disk_ids.push_back("d-unused");
    const auto outcome = out.world.execute(*op, e.params, at, ids);
    if (e.answer_source == contracts::AnswerSource::Model) {
      EXPECT_EQ(outcome.error ? outcome.error->code : std::string(), e.code) << "#" << e.seq << " " << e.action;
    }
    EXPECT_EQ(outcome.transition, e.transition) << "#" << e.seq << " " << e.action;
    EXPECT_EQ(outcome.member_transitions, e.member_transitions) << "#" << e.seq << " " << e.action;
    ++out.requests;
  }
  EXPECT_TRUE(due.empty()) << due.size() << " changes the model made are not in the journal";
  return out;
}

}  // namespace ebsmock::testing
