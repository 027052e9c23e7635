#include "store/document_rows.hpp"

#include <algorithm>

namespace iro::rows {
namespace {

constexpr std::string_view kSelectDocuments =
    "SELECT d.id, d.kind, d.child_id, d.deleted, f.name, f.value "
    "FROM document d LEFT JOIN field f ON f.doc_id = d.id "
    "WHERE (?1 IS NULL OR d.id = ?1) AND (?2 IS NULL OR d.kind = ?2) "
    "AND (?3 IS NULL OR d.child_id = ?3) AND (?4 OR d.deleted = 0) "
    "ORDER BY d.id, f.name";

void bind_optional(sqlite::CachedStatement& statement, int index,
                   const std::optional<std::string>& text) {
  if (text) {
    statement.bind(index, *text);
  } else {
    statement.bind_null(index);
  }
}

// Attaches recorded conflicts to the documents that have them. `documents`
// is sorted by id; only their conflicts are decoded (in an encrypted store,
// decrypting every conflict to show one record would cost every record).
void attach_conflicts(sqlite::Database& db, const ValueCodec& codec,
                      std::vector<Document>& documents, const std::optional<std::string>& id) {
  if (documents.empty()) return;
  auto statement = db.cached(
      "SELECT doc_id, slot, field, device_id, hlc, value FROM conflict "
      "WHERE ?1 IS NULL OR doc_id = ?1 ORDER BY doc_id, slot");
  bind_optional(statement, 1, id);
  while (statement.step()) {
    const std::string doc_id = statement.text(0);
    const auto document = std::lower_bound(
        documents.begin(), documents.end(), doc_id,
        [](const Document& each, const std::string& key) { return each.id < key; });
    if (document == documents.end() || document->id != doc_id) continue;
    const std::string slot = statement.text(1);
    Value value = codec.open(statement.blob(5), Cell::conflict(doc_id, slot));
    document->conflicts.push_back(Conflict{slot, statement.text(2), std::move(value),
                                           statement.text(3),
                                           Hlc{std::uint64_t(statement.int64(4))}});
  }
}

std::vector<Document> select_documents(sqlite::Database& db, const ValueCodec& codec,
                                       const std::optional<std::string>& id,
                                       const DocumentQuery& query) {
  auto statement = db.cached(kSelectDocuments);
  bind_optional(statement, 1, id);
  if (query.kind) {
    statement.bind(2, std::int64_t(*query.kind));
  } else {
    statement.bind_null(2);
  }
  bind_optional(statement, 3, query.child_id);
  statement.bind(4, std::int64_t{query.include_deleted});

  std::vector<Document> documents;
  while (statement.step()) {
    std::string doc_id = statement.text(0);
    if (documents.empty() || documents.back().id != doc_id) {
      Document& document = documents.emplace_back();
      document.id = std::move(doc_id);
      document.kind = static_cast<Kind>(statement.int64(1));
      document.child_id = statement.text(2);
      document.deleted = statement.int64(3) != 0;
    }
    if (statement.is_null(4)) continue;  // a document with no fields yet
    std::string name = statement.text(4);
    Value value = codec.open(statement.blob(5), Cell::field(documents.back().id, name));
    if (!is_unset(value)) documents.back().fields.emplace(std::move(name), std::move(value));
  }
  attach_conflicts(db, codec, documents, id);
  return documents;
}

}  // namespace

std::optional<Document> load_document(sqlite::Database& db, const ValueCodec& codec,
                                      std::string_view id) {
  auto documents = select_documents(db, codec, std::string(id), DocumentQuery::everything());
  if (documents.empty()) return std::nullopt;
  return std::move(documents.front());
}

std::vector<Document> load_documents(sqlite::Database& db, const ValueCodec& codec,
                                     const DocumentQuery& query) {
  return select_documents(db, codec, std::nullopt, query);
}

bool document_exists(sqlite::Database& db, std::string_view id) {
  auto statement = db.cached("SELECT 1 FROM document WHERE id = ?1");
  statement.bind(1, id);
  return statement.step();
}

std::optional<Date> child_date_of_birth(sqlite::Database& db, const ValueCodec& codec,
                                        std::string_view child_id) {
  constexpr std::string_view kField = "date_of_birth";
  auto statement = db.cached(
      "SELECT f.doc_id, f.value FROM document d JOIN field f ON f.doc_id = d.id "
      "WHERE d.child_id = ?1 AND d.kind = ?2 AND d.deleted = 0 AND f.name = ?3");
  statement.bind_all(child_id, std::int64_t(Kind::child), kField);
  if (!statement.step()) return std::nullopt;
  const std::string doc_id = statement.text(0);
  const Value value = codec.open(statement.blob(1), Cell::field(doc_id, kField));
  if (const Date* date = std::get_if<Date>(&value)) return *date;
  return std::nullopt;
}

void insert_document(sqlite::Database& db, const Document& document, Hlc hlc) {
  db.cached("INSERT INTO document (id, kind, child_id, deleted, hlc) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind_all(document.id, std::int64_t(document.kind), document.child_id,
                std::int64_t{document.deleted}, std::int64_t(hlc.packed))
      .run();
}

void set_document_deleted(sqlite::Database& db, std::string_view id, bool deleted, Hlc hlc) {
  db.cached("UPDATE document SET deleted = ?2, hlc = max(hlc, ?3) WHERE id = ?1")
      .bind_all(id, std::int64_t{deleted}, std::int64_t(hlc.packed))
      .run();
}

void touch_document(sqlite::Database& db, std::string_view id, Hlc hlc) {
  db.cached("UPDATE document SET hlc = max(hlc, ?2) WHERE id = ?1")
      .bind_all(id, std::int64_t(hlc.packed))
      .run();
}

void write_field(sqlite::Database& db, const ValueCodec& codec, std::string_view doc_id,
                 std::string_view name, const Value& value, Hlc hlc,
                 std::optional<std::uint64_t> server_seq) {
  const Bytes stored = codec.seal(value, Cell::field(doc_id, name));
  auto statement = db.cached(
      "INSERT INTO field (doc_id, name, value, hlc, server_seq) VALUES (?1, ?2, ?3, ?4, "
      "coalesce(?5, 0)) ON CONFLICT (doc_id, name) DO UPDATE SET value = excluded.value, "
      "hlc = excluded.hlc, server_seq = coalesce(?5, server_seq)");
  statement.bind_all(doc_id, name, std::span<const std::uint8_t>(stored), std::int64_t(hlc.packed));
  if (server_seq) {
    statement.bind(5, std::int64_t(*server_seq));
  } else {
    statement.bind_null(5);
  }
  statement.run();
}

std::uint64_t field_server_seq(sqlite::Database& db, std::string_view doc_id,
                               std::string_view name) {
  auto statement = db.cached("SELECT server_seq FROM field WHERE doc_id = ?1 AND name = ?2");
  statement.bind_all(doc_id, name);
  return statement.step() ? std::uint64_t(statement.int64(0)) : 0;
}

std::uint64_t document_server_seq(sqlite::Database& db, std::string_view doc_id) {
  // Open conflicts count, as on the server (newest_field_seq): they are edits.
  auto statement = db.cached(
      "SELECT coalesce(max(seq), 0) FROM (SELECT server_seq AS seq FROM field WHERE doc_id = ?1 "
      "UNION ALL SELECT server_seq FROM conflict WHERE doc_id = ?1)");
  statement.bind(1, doc_id);
  statement.step();
  return std::uint64_t(statement.int64(0));
}

void put_conflict(sqlite::Database& db, const ValueCodec& codec, std::string_view doc_id,
                  const Conflict& conflict, std::uint64_t server_seq) {
  const Bytes stored = codec.seal(conflict.value, Cell::conflict(doc_id, conflict.slot));
  db.cached(
        "INSERT OR REPLACE INTO conflict (doc_id, slot, field, device_id, hlc, value, server_seq) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind_all(doc_id, conflict.slot, conflict.field, conflict.device_id,
                std::int64_t(conflict.hlc.packed), std::span<const std::uint8_t>(stored),
                std::int64_t(server_seq))
      .run();
}

void delete_conflict(sqlite::Database& db, std::string_view doc_id, std::string_view slot) {
  db.cached("DELETE FROM conflict WHERE doc_id = ?1 AND slot = ?2").bind_all(doc_id, slot).run();
}

std::optional<std::uint64_t> conflict_server_seq(sqlite::Database& db, std::string_view doc_id,
                                                 std::string_view slot) {
  auto statement = db.cached("SELECT server_seq FROM conflict WHERE doc_id = ?1 AND slot = ?2");
  statement.bind_all(doc_id, slot);
  if (!statement.step()) return std::nullopt;
  return std::uint64_t(statement.int64(0));
}

void erase_document(sqlite::Database& db, std::string_view doc_id) {
  db.cached("DELETE FROM field WHERE doc_id = ?1").bind(1, doc_id).run();
  db.cached("DELETE FROM conflict WHERE doc_id = ?1").bind(1, doc_id).run();
  db.cached("DELETE FROM document WHERE id = ?1").bind(1, doc_id).run();
}

void erase_children(sqlite::Database& db, std::string_view child_id) {
  const char* statements[] = {
      "DELETE FROM field WHERE doc_id IN (SELECT id FROM document WHERE child_id = ?1)",
      "DELETE FROM conflict WHERE doc_id IN (SELECT id FROM document WHERE child_id = ?1)",
      "DELETE FROM outbox WHERE child_id = ?1", "DELETE FROM document WHERE child_id = ?1"};
  for (const char* sql : statements) db.cached(sql).bind(1, child_id).run();
}

std::optional<std::string> meta_text(sqlite::Database& db, std::string_view key) {
  auto statement = db.cached("SELECT value FROM meta WHERE key = ?1");
  statement.bind(1, key);
  if (!statement.step() || statement.is_null(0)) return std::nullopt;
  return statement.text(0);
}

std::optional<std::int64_t> meta_int(sqlite::Database& db, std::string_view key) {
  auto statement = db.cached("SELECT value FROM meta WHERE key = ?1");
  statement.bind(1, key);
  if (!statement.step() || statement.is_null(0)) return std::nullopt;
  return statement.int64(0);
}

std::optional<Bytes> meta_blob(sqlite::Database& db, std::string_view key) {
  auto statement = db.cached("SELECT value FROM meta WHERE key = ?1");
  statement.bind(1, key);
  if (!statement.step() || statement.is_null(0)) return std::nullopt;
  const auto blob = statement.blob(0);
  return Bytes(blob.begin(), blob.end());
}

std::optional<std::string> secret_meta(sqlite::Database& db, const ValueCodec& codec,
                                       std::string_view key) {
  auto statement = db.cached("SELECT value FROM meta WHERE key = ?1");
  statement.bind(1, key);
  if (!statement.step() || statement.is_null(0)) return std::nullopt;
  return codec.text(statement, 0, Cell::meta(key));
}

void set_secret_meta(sqlite::Database& db, const ValueCodec& codec, std::string_view key,
                     std::string_view value) {
  auto statement = db.cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
  statement.bind(1, key);
  codec.bind_text(statement, 2, value, Cell::meta(key));
  statement.run();
}

void set_meta(sqlite::Database& db, std::string_view key, std::string_view value) {
  db.cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)").bind_all(key, value).run();
}

void set_meta(sqlite::Database& db, std::string_view key, std::int64_t value) {
  db.cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)").bind_all(key, value).run();
}

void set_meta(sqlite::Database& db, std::string_view key, std::span<const std::uint8_t> value) {
  db.cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)").bind_all(key, value).run();
}

}  // namespace iro::rows
