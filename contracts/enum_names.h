// enum_names.h: one table of (enumerator, name) rows per vocabulary enum, read both ways, so
// an enum's to_string and its parse cannot drift apart. Header-only, constexpr data;
// thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace ebsmock::contracts {

template <class E, std::size_t N>
using EnumNames = std::array<std::pair<E, std::string_view>, N>;

// The row's name; "?" only for an enumerator without a row (each table's tests check
// that every enumerator has one).
template <class E, std::size_t N>
constexpr std::string_view name_of(const EnumNames<E, N>& names, E value) {
  for (const auto& [e, name] : names) {
    if (e == value) return name;
  }
  return "?";
}

template <class E, std::size_t N>
constexpr std::optional<E> value_of(const EnumNames<E, N>& names, std::string_view text) {
  for (const auto& [e, name] : names) {
    if (name == text) return e;
  }
  return std::nullopt;
}

}  // namespace ebsmock::contracts
