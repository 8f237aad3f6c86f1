// scenario_library_test.cpp: scenarios by name (scenario_library.h): the library of the
// source tree lists every *.toml with its description, a name finds its file with or without
// ".toml", the first folder wins, paths and dot-names are not names, and an unknown name
// gets the closest names. Uses the real library and temporary folders; no shared state.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scenarios/loader/scenario_library.h"

namespace ebsmock::scenarios {
namespace {

namespace fs = std::filesystem;
const std::string kLibrary = EBSMOCK_SOURCE_DIR "/scenarios";

TEST(ScenarioLibrary, ListsEveryLibraryScenarioWithItsDescription) {
  const auto library = list_library({kLibrary});
  std::size_t files = 0;
  for (const auto& f : fs::directory_iterator(kLibrary)) files += f.path().extension() == ".toml";
  ASSERT_EQ(library.size(), files);
  auto flaky = std::find_if(library.begin(), library.end(), [](const auto& e) { return e.name == "flaky-5xx"; });
  ASSERT_NE(flaky, library.end());
  EXPECT_EQ(flaky->description, "About 1 request in 10 fails with 500 InternalError, on every action.");
  EXPECT_TRUE(std::is_sorted(library.begin(), library.end(), [](const auto& a, const auto& b) { return a.name < b.name; }));
}

TEST(ScenarioLibrary, FindsANameInTheFirstFolderThatHasIt) {
  const fs::path dir = fs::temp_directory_path() / "ebsmock-library-test";
  fs::create_directories(dir);
  std::ofstream(dir / "flaky-5xx.toml") << "[scenario]\nname = \"mine\"\ndescription = \"my own\"\n";
  EXPECT_EQ(find_in_library("flaky-5xx", {dir.string(), kLibrary}), (dir / "flaky-5xx.toml").string());
  EXPECT_EQ(find_in_library("flaky-5xx.toml", {kLibrary, dir.string()}), kLibrary + "/flaky-5xx.toml");
  EXPECT_EQ(list_library({dir.string(), kLibrary}).front().description.empty(), false);
  EXPECT_FALSE(find_in_library("no-such-drill", {kLibrary}));
  EXPECT_FALSE(find_in_library("../scenarios/flaky-5xx", {kLibrary})) << "a path is not a name";
  EXPECT_FALSE(find_in_library(".hidden", {kLibrary}));
  EXPECT_FALSE(find_in_library("flaky-5xx", {"/nonexistent/folder"}));
  fs::remove_all(dir);
}

TEST(ScenarioLibrary, AnUnknownNameGetsTheClosestNames) {
  const auto library = list_library({kLibrary});
  EXPECT_EQ(closest_names("flaky-5x", library).front(), "flaky-5xx");
  EXPECT_EQ(closest_names("throttling", library).front(), "throttling-storm");
  EXPECT_EQ(closest_names("group-ambigous-failover", library).front(), "group-ambiguous-failover");
  EXPECT_EQ(closest_names("x", library, 2).size(), 2u);
}

}  // namespace
}  // namespace ebsmock::scenarios
