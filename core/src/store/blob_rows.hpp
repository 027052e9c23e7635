// The device store's attachments (schema step 6 in device_schema.cpp): one
// `blob` row per blob the device holds or wants, its bytes in `blob_chunk`
// rows sealed through the store's ValueCodec. Writers expect the caller to
// hold a transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iro/store.hpp"
#include "store/sqlite.hpp"
#include "store/value_codec.hpp"

namespace iro::rows {

std::optional<AttachmentInfo> blob_info(sqlite::Database& db, std::string_view hash);
std::vector<AttachmentInfo> all_blobs(sqlite::Database& db);

// Stores a whole blob made on this device (state local), in chunks. Does
// nothing when the device already holds it whole.
void put_local_blob(sqlite::Database& db, const ValueCodec& codec, std::string_view hash,
                    std::span<const std::uint8_t> bytes);

// Records that a record points at `hash`: a blob not held yet becomes wanted.
void want_blob(sqlite::Database& db, std::string_view hash);

// Appends a chunk received from the server at `offset` (== received so far).
void append_blob_chunk(sqlite::Database& db, const ValueCodec& codec, std::string_view hash,
                       std::uint64_t size, std::uint64_t offset,
                       std::span<const std::uint8_t> data);

// Up to `max_bytes` of the blob from `offset`.
Bytes read_blob(sqlite::Database& db, const ValueCodec& codec, std::string_view hash,
                std::uint64_t offset, std::size_t max_bytes);

void set_blob_state(sqlite::Database& db, std::string_view hash, AttachmentState state,
                    std::string_view reason = {});
// Forgets what was received of a blob (its bytes did not match its hash).
void restart_blob(sqlite::Database& db, std::string_view hash);
void delete_blob(sqlite::Database& db, std::string_view hash);

// The first blob in `state`, by hash, that is not in `skip`.
std::optional<AttachmentInfo> first_blob_in_state(sqlite::Database& db, AttachmentState state,
                                                  const std::set<std::string>& skip);

}  // namespace iro::rows
