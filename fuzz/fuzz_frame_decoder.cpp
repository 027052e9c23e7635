// libFuzzer target: the sync protocol's frame decoder (decode_message), fed
// whatever a peer might send. A frame either decodes or is refused with
// iro::Error; one that decodes must encode back to a frame that decodes to
// the same message. Anything else (a crash, a sanitizer report, another
// exception, a failed round trip) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "iro/error.hpp"
#include "iro/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iro::Message message;
  try {
    message = iro::decode_message(std::span(data, size));
  } catch (const iro::Error&) {
    return 0;
  }
  if (iro::decode_message(iro::encode_message(message)) != message) std::abort();
  return 0;
}
