// libFuzzer target: the change decoder (decode_change), which reads the
// changes a device stores in its outbox and the server in its history. As
// for frames: decoded or refused with iro::Error, and a decoded change
// survives a round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "iro/codec.hpp"
#include "iro/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iro::Change change;
  try {
    change = iro::decode_change(std::span(data, size));
  } catch (const iro::Error&) {
    return 0;
  }
  if (iro::decode_change(iro::encode_change(change)) != change) std::abort();
  return 0;
}
