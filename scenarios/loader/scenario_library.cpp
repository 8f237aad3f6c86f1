// scenario_library.cpp: see scenario_library.h.
#include "scenarios/loader/scenario_library.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::scenarios {
namespace fs = std::filesystem;

std::vector<LibraryEntry> list_library(const std::vector<std::string>& dirs) {
  std::map<std::string, LibraryEntry> by_name;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec)) continue;
    for (const auto& file : fs::directory_iterator(dir, ec)) {
      if (!file.is_regular_file(ec) || file.path().extension() != ".toml") continue;
      const std::string name = file.path().stem().string();
      if (by_name.contains(name)) continue;  // an earlier folder has it
      LibraryEntry entry{name, file.path().string(), ""};
      try {
        entry.description = load_scenario_file(entry.path).description;
      } catch (const ScenarioError&) {
        entry.description = "(does not load: ebsmock lint " + entry.path + ")";
      }
      by_name.emplace(name, std::move(entry));
    }
  }
  std::vector<LibraryEntry> out;
  for (auto& [name, entry] : by_name) out.push_back(std::move(entry));
  return out;
}

std::optional<std::string> find_in_library(const std::string& name, const std::vector<std::string>& dirs) {
  std::string stem = name;
  if (stem.size() > 5 && stem.ends_with(".toml")) stem.resize(stem.size() - 5);
  if (stem.empty() || stem.find('/') != std::string::npos || stem.starts_with(".")) return std::nullopt;
  for (const auto& dir : dirs) {
    std::error_code ec;
    const fs::path candidate = fs::path(dir) / (stem + ".toml");
    if (!dir.empty() && fs::is_regular_file(candidate, ec)) return candidate.string();
  }
  return std::nullopt;
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> closest_names(const std::string& name, const std::vector<LibraryEntry>& library,
                                       std::size_t limit) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& e : library) {
    // A name that contains what was typed ("5xx" in "flaky-5xx") is as close as one typo.
    const std::size_t d = e.name.find(name) != std::string::npos ? 1 : edit_distance(name, e.name);
    scored.emplace_back(d, e.name);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace ebsmock::scenarios
