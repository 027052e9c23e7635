#include "iro/codec.hpp"

#include "iro/document.hpp"
#include "iro/error.hpp"
#include "iro/uuid.hpp"
#include "sync/binary_archive.hpp"

namespace iro {

Bytes encode_change(const Change& change) {
  Bytes out;
  out.reserve(128 + change.field.size());
  wire::BinaryWriter writer(out, kChangeFormatVersion);
  writer.string(change.doc_id);
  writer.u8(static_cast<std::uint8_t>(change.kind));
  writer.string(change.child_id);
  writer.u8(static_cast<std::uint8_t>(change.op));
  writer.string(change.field);
  writer.value(change.value);
  writer.u64(change.hlc.packed);
  writer.string(change.device_id);
  writer.u64(change.device_seq);
  writer.u64(change.base);
  return out;
}

namespace {

Change read_change(wire::BinaryReader& reader) {
  Change change;
  change.doc_id = reader.string(wire::kMaxWireId, "the document id");
  if (!is_canonical_uuid(change.doc_id)) reader.corrupt("the document id is not a UUID");

  const std::uint8_t kind = reader.u8();
  if (!parse_kind(to_string(static_cast<Kind>(kind)))) {
    reader.corrupt("unknown record kind " + std::to_string(kind));
  }
  change.kind = static_cast<Kind>(kind);

  change.child_id = reader.string(wire::kMaxWireId, "the child id");
  if (!is_valid_child_id(change.child_id)) reader.corrupt("the child id is not valid");

  const std::uint8_t op = reader.u8();
  if (op > static_cast<std::uint8_t>(ChangeOp::delete_document)) {
    reader.corrupt("unknown operation " + std::to_string(op));
  }
  change.op = static_cast<ChangeOp>(op);

  change.field = reader.string(kMaxFieldNameBytes, "the field name");
  change.value = reader.value();
  change.hlc.packed = reader.u64();
  change.device_id = reader.string(wire::kMaxWireId, "the device id");
  change.device_seq = reader.u64();
  change.base = reader.u64();
  reader.expect_end();

  const bool is_delete = change.op == ChangeOp::delete_document;
  if (is_delete != change.field.empty()) reader.corrupt("the field name does not fit the operation");
  if (is_delete && !is_unset(change.value)) reader.corrupt("a delete carries a value");
  return change;
}

// The readers bound every read, so cereal should never run dry; if it does,
// its exception still becomes the one error callers handle.
template <typename Decode>
auto guarded(Decode decode) {
  try {
    return decode();
  } catch (const cereal::Exception& error) {
    throw Error(ErrorCode::corrupt_data, std::string("undecodable bytes: ") + error.what());
  }
}

}  // namespace

Change decode_change(std::span<const std::uint8_t> bytes) {
  return guarded([&] {
    wire::BinaryReader reader(bytes, kChangeFormatVersion, "a change");
    return read_change(reader);
  });
}

Bytes encode_value(const Value& value) {
  Bytes out;
  wire::BinaryWriter writer(out, kValueFormatVersion);
  writer.value(value);
  return out;
}

Value decode_value(std::span<const std::uint8_t> bytes) {
  return guarded([&] {
    wire::BinaryReader reader(bytes, kValueFormatVersion, "a stored value");
    Value value = reader.value();
    reader.expect_end();
    return value;
  });
}

}  // namespace iro
