// A change: one field value of one document, the unit of sync and merge.
// The device writes one to its outbox in the same transaction as the edit.
#pragma once

#include <cstdint>
#include <string>

#include "iro/hlc.hpp"
#include "iro/model.hpp"
#include "iro/value.hpp"

namespace iro {

enum class ChangeOp : std::uint8_t {
  set_field = 0,         // `field` takes `value` (unset clears it)
  delete_document = 1,   // the document is deleted; `field` is empty, `value` unset
  restore_document = 2,  // server -> device: a deleted document is back (an edit won)
};

struct Change {
  std::string doc_id;
  Kind kind = Kind::visit;
  std::string child_id;
  ChangeOp op = ChangeOp::set_field;
  std::string field;
  Value value;
  Hlc hlc;
  std::string device_id;
  // Per-device sequence number, starting at 1: with device_id it makes a
  // push idempotent, so a retried push after a cut is applied once.
  std::uint64_t device_seq = 0;
  // The server sequence number of the value this edit started from; 0 when
  // the device had never seen a server value for the field.
  std::uint64_t base = 0;

  bool operator==(const Change&) const = default;
};

}  // namespace iro
