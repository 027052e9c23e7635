// The device store's outbox and rejected list (schema in device_schema.cpp).
// Writers expect the caller to hold a transaction. Change values (and a
// refusal's reason) go through the store's ValueCodec (value_codec.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iro/change.hpp"
#include "iro/store.hpp"
#include "store/sqlite.hpp"
#include "store/value_codec.hpp"

namespace iro::rows {

// Adds a change to the outbox, or folds it into the field's unsent change,
// which keeps its device_seq and base.
void record_change(sqlite::Database& db, const ValueCodec& codec, const Change& change);

// True when the outbox still holds a change for this field (sent or not).
bool has_pending_change(sqlite::Database& db, std::string_view doc_id, std::string_view field);

// True when the outbox holds any change for the document.
bool has_pending_changes(sqlite::Database& db, std::string_view doc_id);

std::vector<Change> load_outbox(sqlite::Database& db, const ValueCodec& codec,
                                const std::string& device_id);
std::size_t outbox_size(sqlite::Database& db);

// The oldest changes by device_seq, at most `max_changes` and (after the
// first) about `max_bytes` encoded, marking them sent (first sent now).
std::vector<Change> take_push_batch(sqlite::Database& db, const ValueCodec& codec,
                                    const std::string& device_id, std::size_t max_changes,
                                    std::size_t max_bytes, std::uint64_t now_ms);

// Removes and returns the outbox change with this sequence number.
std::optional<Change> remove_outbox_change(sqlite::Database& db, const ValueCodec& codec,
                                           const std::string& device_id, std::uint64_t device_seq);

// Moves the base of the field's unsent change (a newer edit waiting behind an
// acknowledged one now builds on the acknowledged version). False if none.
bool rebase_unsent_change(sqlite::Database& db, std::string_view doc_id, std::string_view field,
                          std::uint64_t base);

// The field's change that has not been sent yet, if there is one.
std::optional<Change> unsent_change(sqlite::Database& db, const ValueCodec& codec,
                                    const std::string& device_id, std::string_view doc_id,
                                    std::string_view field);

// Replaces the value and base of an unsent change (`unsent`, as unsent_change
// read it: rebased on a server version by a three-way merge on the device).
void rewrite_unsent_change(sqlite::Database& db, const ValueCodec& codec, const Change& unsent,
                           const Value& value, std::uint64_t base);

// When the oldest unacknowledged change was first sent, if any was.
std::optional<std::uint64_t> oldest_first_sent_ms(sqlite::Database& db);

void insert_rejected(sqlite::Database& db, const ValueCodec& codec, const Change& change,
                     std::string_view reason, std::uint64_t now_ms);
std::vector<RejectedChange> load_rejected(sqlite::Database& db, const ValueCodec& codec,
                                          const std::string& device_id);
std::size_t rejected_size(sqlite::Database& db);

}  // namespace iro::rows
