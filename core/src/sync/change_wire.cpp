#include "sync/change_wire.hpp"

#include "iro/document.hpp"
#include "iro/model.hpp"
#include "iro/uuid.hpp"

namespace iro::wire {

void write_change(BinaryWriter& writer, const Change& change, Author author) {
  writer.string(change.doc_id);
  writer.u8(static_cast<std::uint8_t>(change.kind));
  writer.string(change.child_id);
  writer.u8(static_cast<std::uint8_t>(change.op));
  writer.string(change.field);
  writer.value(change.value);
  writer.u64(change.hlc.packed);
  if (author == Author::included) writer.string(change.device_id);
  writer.u64(change.device_seq);
  writer.u64(change.base);
}

Change read_change(BinaryReader& reader, Author author) {
  Change change;
  change.doc_id = reader.string(kMaxWireId, "the document id");
  if (!is_canonical_uuid(change.doc_id)) reader.corrupt("the document id is not a UUID");

  const std::uint8_t kind = reader.u8();
  if (!parse_kind(to_string(static_cast<Kind>(kind)))) {
    reader.corrupt("unknown record kind " + std::to_string(kind));
  }
  change.kind = static_cast<Kind>(kind);

  change.child_id = reader.string(kMaxWireId, "the child id");
  if (is_council_wide(change.kind) ? !change.child_id.empty()
                                   : !is_valid_child_id(change.child_id)) {
    reader.corrupt("the child id is not valid");
  }

  const std::uint8_t op = reader.u8();
  if (op > static_cast<std::uint8_t>(ChangeOp::restore_document)) {
    reader.corrupt("unknown operation " + std::to_string(op));
  }
  change.op = static_cast<ChangeOp>(op);

  change.field = reader.string(kMaxSlotNameBytes, "the field name");
  change.value = reader.value();
  change.hlc.packed = reader.u64();
  if (author == Author::included) change.device_id = reader.string(kMaxWireId, "the device id");
  change.device_seq = reader.u64();
  change.base = reader.u64();

  const bool whole_document = change.op != ChangeOp::set_field;
  if (whole_document != change.field.empty()) {
    reader.corrupt("the field name does not fit the operation");
  }
  if (whole_document && !is_unset(change.value))
    reader.corrupt("a delete or restore carries a value");
  return change;
}

}  // namespace iro::wire
