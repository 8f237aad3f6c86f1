// decompress.h: the containers customers' artefacts come in: gzip (ActionTrail's OSS
// delivery, .har.gz, several members concatenated) and zlib (mitmproxy's .zhar), told
// apart by their magic bytes, never by the file name. Pure functions over zlib's
// one-shot state; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ebsmock::scenarios {

enum class Container { Plain, Gzip, Zlib };

Container sniff_container(std::string_view bytes);

struct Decompressed {
  std::string text;
  std::string error;  // "" on success; else what went wrong and at which input byte
};

// Inflates `bytes` (a Gzip or Zlib container) into at most `limit` bytes; a larger
// result is an error, so a compression bomb costs nothing.
Decompressed decompress(std::string_view bytes, Container container, std::size_t limit);

}  // namespace ebsmock::scenarios
