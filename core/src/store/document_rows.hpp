// Reading and writing the device store's rows (schema in device_schema.cpp).
// All functions expect the caller to hold a transaction when they write.
// Functions that touch record contents take the store's ValueCodec, which
// seals them in an encrypted store (value_codec.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iro/change.hpp"
#include "iro/document.hpp"
#include "iro/store.hpp"
#include "store/sqlite.hpp"
#include "store/value_codec.hpp"

namespace iro::rows {

std::optional<Document> load_document(sqlite::Database& db, const ValueCodec& codec,
                                      std::string_view id);
std::vector<Document> load_documents(sqlite::Database& db, const ValueCodec& codec,
                                     const DocumentQuery& query);

// True when the device holds the document (deleted or not); reads no contents.
bool document_exists(sqlite::Database& db, std::string_view id);

// The date of birth on the child's record, when the device holds one.
std::optional<Date> child_date_of_birth(sqlite::Database& db, const ValueCodec& codec,
                                        std::string_view child_id);

void insert_document(sqlite::Database& db, const Document& document, Hlc hlc);
void set_document_deleted(sqlite::Database& db, std::string_view id, bool deleted, Hlc hlc);
void touch_document(sqlite::Database& db, std::string_view id, Hlc hlc);

// Upserts a field's value and clock; server_seq is kept unless given.
void write_field(sqlite::Database& db, const ValueCodec& codec, std::string_view doc_id,
                 std::string_view name, const Value& value, Hlc hlc,
                 std::optional<std::uint64_t> server_seq = {});

// The server version the device last saw for a field (0 = none).
std::uint64_t field_server_seq(sqlite::Database& db, std::string_view doc_id,
                               std::string_view name);

// The newest server version the device has seen of any field of a document,
// or of a conflict it holds on it: a delete's base.
std::uint64_t document_server_seq(sqlite::Database& db, std::string_view doc_id);

// Conflicts, by slot (document.hpp): recorded as the server sends them.
void put_conflict(sqlite::Database& db, const ValueCodec& codec, std::string_view doc_id,
                  const Conflict& conflict, std::uint64_t server_seq);
void delete_conflict(sqlite::Database& db, std::string_view doc_id, std::string_view slot);
// The server version of the slot, when the device holds the conflict.
std::optional<std::uint64_t> conflict_server_seq(sqlite::Database& db, std::string_view doc_id,
                                                 std::string_view slot);

// Removes a document and its fields and conflicts (not its outbox rows).
void erase_document(sqlite::Database& db, std::string_view doc_id);

// Removes every document of these children, with their outbox rows.
void erase_children(sqlite::Database& db, std::string_view child_id);

std::optional<std::string> meta_text(sqlite::Database& db, std::string_view key);
std::optional<std::int64_t> meta_int(sqlite::Database& db, std::string_view key);
std::optional<Bytes> meta_blob(sqlite::Database& db, std::string_view key);
void set_meta(sqlite::Database& db, std::string_view key, std::string_view value);
void set_meta(sqlite::Database& db, std::string_view key, std::int64_t value);
void set_meta(sqlite::Database& db, std::string_view key, std::span<const std::uint8_t> value);

// Meta values as private as record contents (the device token, which would
// let whoever holds it sync the IRO's records): sealed in an encrypted store.
std::optional<std::string> secret_meta(sqlite::Database& db, const ValueCodec& codec,
                                       std::string_view key);
void set_secret_meta(sqlite::Database& db, const ValueCodec& codec, std::string_view key,
                     std::string_view value);

}  // namespace iro::rows
