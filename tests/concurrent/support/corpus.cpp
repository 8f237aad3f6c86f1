// corpus.cpp: see corpus.h. Test code only.
#include "tests/concurrent/support/corpus.h"

#include <fstream>
#include <stdexcept>

#include "harness/concurrent/history_json.h"

namespace ebsmock::testing::concurrent {

using harness::concurrent::Verdict;

harness::concurrent::History CorpusEntry::history() const {
  return {build_world(world), program_time(), ops};
}

nlohmann::json to_json(const CorpusEntry& e) {
  nlohmann::json j = {{"name", e.name},
                      {"shape", e.shape},
                      {"expected", harness::concurrent::to_string(e.expected)},
                      {"expected_by", e.expected_by},
                      {"world", to_json(e.world)},
                      {"ops", harness::concurrent::ops_to_json(e.ops)}};
  if (!e.corruption.empty()) j["corruption"] = e.corruption;
  if (e.brute_force_steps) j["brute_force_steps"] = *e.brute_force_steps;
  return j;
}

CorpusEntry corpus_entry_from_json(const nlohmann::json& j) {
  CorpusEntry e;
  e.name = j.at("name").get<std::string>();
  e.shape = j.at("shape").get<std::string>();
  const std::string expected = j.at("expected").get<std::string>();
  if (expected == "linearizable") {
    e.expected = Verdict::Linearizable;
  } else if (expected == "not-linearizable") {
    e.expected = Verdict::NotLinearizable;
  } else {
    throw std::invalid_argument(e.name + ": expected must be linearizable or not-linearizable");
  }
  e.expected_by = j.at("expected_by").get<std::string>();
  e.corruption = j.value("corruption", "");
  if (j.contains("brute_force_steps")) e.brute_force_steps = j.at("brute_force_steps").get<std::uint64_t>();
  e.world = world_spec_from_json(j.at("world"));
  e.ops = harness::concurrent::ops_from_json(j.at("ops"));
  return e;
}

std::vector<CorpusEntry> read_corpus(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<CorpusEntry> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(corpus_entry_from_json(nlohmann::json::parse(line)));
  }
  return out;
}

std::string corpus_path() { return std::string(EBSMOCK_SOURCE_DIR) + "/tests/concurrent/corpus/histories.jsonl"; }

}  // namespace ebsmock::testing::concurrent
