// decompress.cpp: zlib inflate with a size cap and a clear word for truncation. Stateless.
#include "scenarios/trace/decompress.h"

#include <zlib.h>

namespace ebsmock::scenarios {

Container sniff_container(std::string_view b) {
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0x1f && static_cast<unsigned char>(b[1]) == 0x8b) {
    return Container::Gzip;
  }
  // zlib: CM = 8 and the header checksum; JSON and text never start with 0x78 + this.
  if (b.size() >= 2 && (static_cast<unsigned char>(b[0]) & 0x0f) == 8 &&
      ((static_cast<unsigned char>(b[0]) << 8) | static_cast<unsigned char>(b[1])) % 31 == 0 &&
      static_cast<unsigned char>(b[0]) == 0x78) {
    return Container::Zlib;
  }
  return Container::Plain;
}

Decompressed decompress(std::string_view bytes, Container container, std::size_t limit) {
  Decompressed out;
  if (container == Container::Plain) {
    out.text = std::string(bytes);
    return out;
  }
  const char* kind = container == Container::Gzip ? "gzip" : "zlib";
  z_stream z{};
  // 16 + MAX_WBITS: gzip only; MAX_WBITS: zlib only.
  if (inflateInit2(&z, container == Container::Gzip ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK) {
    out.error = "cannot start the decompressor";
    return out;
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  char buffer[64 * 1024];
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.text.append(buffer, sizeof buffer - z.avail_out);
    if (out.text.size() > limit) {
      out.error = std::string(kind) + " content is larger than " + std::to_string(limit >> 20) +
                  " MiB once decompressed";
      break;
    }
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members (zcat reads them all): go on while input remains.
      if (container == Container::Gzip && z.avail_in > 0) {
        if (inflateReset(&z) != Z_OK) break;
        continue;
      }
      break;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) {
      out.error = std::string(kind) + " data is truncated: it ends after " +
                  std::to_string(bytes.size()) + " bytes, inside the compressed stream";
      break;
    }
    if (rc != Z_OK) {
      out.error = std::string(kind) + " data is corrupt at input byte " +
                  std::to_string(z.total_in) + (z.msg ? std::string(": ") + z.msg : std::string());
      break;
    }
  }
  inflateEnd(&z);
  if (!out.error.empty()) out.text.clear();
  return out;
}

}  // namespace ebsmock::scenarios
