#include "iro/codec.hpp"

#include "iro/error.hpp"
#include "sync/binary_archive.hpp"
#include "sync/change_wire.hpp"

namespace iro {

Bytes encode_change(const Change& change) {
  Bytes out;
  out.reserve(128 + change.field.size());
  wire::BinaryWriter writer(out, kChangeFormatVersion);
  wire::write_change(writer, change, wire::Author::included);
  return out;
}

Change decode_change(std::span<const std::uint8_t> bytes) {
  return wire::guarded([&] {
    wire::BinaryReader reader(bytes, kChangeFormatVersion, "a change");
    Change change = wire::read_change(reader, wire::Author::included);
    reader.expect_end();
    return change;
  });
}

Bytes encode_value(const Value& value) {
  Bytes out;
  wire::BinaryWriter writer(out, kValueFormatVersion);
  writer.value(value);
  return out;
}

Value decode_value(std::span<const std::uint8_t> bytes) {
  return wire::guarded([&] {
    wire::BinaryReader reader(bytes, kValueFormatVersion, "a stored value");
    Value value = reader.value();
    reader.expect_end();
    return value;
  });
}

}  // namespace iro
