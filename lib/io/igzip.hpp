#pragma once
// DEFLATE in zlib's wrapping (TIFF's Adobe Deflate) by ISA-L's igzip, the
// fastest DEFLATE encoder Debian has: 3-4x libdeflate's fastest level on
// samples wider than a byte, for 1-2.5% more bytes (docs/user-guide.md,
// "Overview level"). Any zlib reader decodes it; its bytes do not depend on
// the hash tables' previous contents.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace geostrip {

class IgzipEncoder {
 public:
  IgzipEncoder();
  // `data` as one zlib stream: compressed, or stored where it does not
  // compress. Throws Error with igzip's code.
  std::vector<std::byte> encode(std::span<const std::byte> data);

 private:
  std::vector<std::uint8_t> hash_tables_;  // igzip's level buffer, kept from call to call
};

}  // namespace geostrip
