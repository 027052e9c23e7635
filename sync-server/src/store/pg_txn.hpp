// StoreTxn over one PostgreSQL connection (inside a transaction the caller
// holds): the same rows and results as SqliteTxn, in PostgreSQL's SQL
// (store/pg_schema.cpp).
#pragma once

#include "store/pg.hpp"
#include "store/server_store.hpp"

namespace iro::server {

class PgTxn final : public StoreTxn {
 public:
  // `locked_last_seq`: for a write transaction, meta's last_seq as read
  // under its row lock (taken before the job runs: writes are serialized
  // across nodes, so numbers are handed out in commit order); nullopt for a
  // read transaction, which may not hand out numbers.
  PgTxn(pg::Connection& connection, std::optional<std::uint64_t> locked_last_seq)
      : m_connection(connection),
        m_writes(locked_last_seq.has_value()),
        m_last_seq(locked_last_seq) {}

  // The sequence numbers next_seq() handed out are kept in memory: call this
  // before committing, or the next transaction hands them out again. To keep
  // the numbers gap-free across a savepoint, save before it and, if it is
  // rolled back, discard what was handed out since.
  void save_sequence();
  void discard_unsaved_sequence();

  std::uint64_t next_seq() override;
  std::uint64_t head_seq() override;
  Hlc server_hlc() override;
  void save_server_hlc(Hlc hlc) override;

  bool tenant_exists(std::string_view tenant) override;
  void insert_tenant(std::string_view tenant, std::uint64_t now_ms) override;
  std::optional<std::string> timescale_policy(std::string_view tenant) override;
  void set_timescale_policy(std::string_view tenant, std::string_view policy) override;
  std::optional<int> lease_days(std::string_view tenant) override;
  void set_lease_days(std::string_view tenant, int days) override;
  std::optional<Bytes> lease_master_secret() override;
  void save_lease_master_secret(std::span<const std::uint8_t> secret) override;
  std::optional<UserRow> user(std::string_view id) override;
  void insert_user(const UserRow& user) override;
  std::optional<DeviceRow> device(std::string_view id) override;
  std::optional<DeviceRow> device_by_token_hash(std::string_view token_hash) override;
  void put_device(const DeviceRow& device) override;
  std::vector<DeviceRow> devices(std::string_view user_id) override;
  std::vector<DeviceRow> devices_by_id(std::span<const std::string> ids) override;
  std::optional<EnrolmentRow> enrolment(std::string_view code_hash) override;
  void put_enrolment(const EnrolmentRow& enrolment) override;

  std::optional<std::string> allocated_user(std::string_view tenant,
                                            std::string_view child_id) override;
  void set_allocation(std::string_view tenant, std::string_view child_id, std::string_view user_id,
                      std::uint64_t seq) override;
  void insert_scope_removal(std::string_view tenant, std::string_view user_id,
                            std::string_view child_id, std::uint64_t seq,
                            std::uint64_t now_ms) override;
  std::optional<ScopeRemoval> scope_removal(std::string_view tenant, std::string_view user_id,
                                            std::string_view child_id) override;
  void resequence_child(std::string_view tenant, std::string_view child_id) override;
  std::vector<std::string> removed_children(const DeviceIdentity& identity,
                                            std::uint64_t after_seq) override;

  std::optional<DocumentRow> document(std::string_view tenant, std::string_view id) override;
  bool record_id_taken(std::string_view id) override;
  std::optional<DocumentRow> child_record(std::string_view tenant,
                                          std::string_view child_id) override;
  void put_document(const DocumentRow& document) override;
  std::optional<FieldRow> field(std::string_view tenant, std::string_view doc_id,
                                std::string_view name) override;
  FieldMap fields(std::string_view tenant, std::string_view doc_id) override;
  void put_field(const DocumentRow& document, std::string_view name,
                 const FieldRow& field) override;
  std::uint64_t newest_field_seq(std::string_view tenant, std::string_view doc_id,
                                 std::string_view except_device) override;
  std::optional<Value> field_version(std::string_view tenant, std::string_view doc_id,
                                     std::string_view name, std::uint64_t seq) override;

  std::optional<HistoryRow> history_for(std::string_view device_id,
                                        std::uint64_t device_seq) override;
  void append_history(const HistoryRow& row) override;
  std::vector<HistoryRow> quarantine(std::string_view tenant, std::size_t limit) override;

  void append_audit(const AuditRow& row) override;
  std::vector<AuditRow> audit_log(const AuditQuery& query) override;

  std::optional<PasswordRow> password_by_login(std::string_view tenant,
                                               std::string_view login) override;
  std::optional<PasswordRow> password_of_user(std::string_view user_id) override;
  void put_password(const PasswordRow& row) override;
  std::optional<WebSessionRow> web_session(std::string_view token_hash) override;
  void put_web_session(const WebSessionRow& row) override;
  void delete_web_session(std::string_view token_hash) override;
  void delete_web_sessions_of(std::string_view user_id) override;
  void delete_web_sessions_expired(std::uint64_t now_ms) override;
  std::optional<BlobRow> blob(std::string_view tenant, std::string_view hash) override;
  void put_blob(const BlobRow& blob) override;
  void append_blob_chunk(std::string_view tenant, std::string_view hash, std::uint64_t offset,
                         std::span<const std::uint8_t> data) override;
  Bytes read_blob(std::string_view tenant, std::string_view hash, std::uint64_t offset,
                  std::size_t max_bytes) override;
  void delete_blob(std::string_view tenant, std::string_view hash) override;
  void add_blob_holder(std::string_view tenant, std::string_view hash,
                       std::string_view user_id) override;
  bool holds_blob(std::string_view tenant, std::string_view hash,
                  std::string_view user_id) override;
  std::uint64_t blob_bytes_of_user(std::string_view tenant, std::string_view user_id) override;
  std::size_t uploads_in_progress(std::string_view device_id) override;
  std::size_t delete_stale_uploads(std::uint64_t started_before_ms) override;
  std::vector<Value> attachment_fields(const DeviceIdentity& identity) override;

  Changes pull_page(const DeviceIdentity& identity, std::uint64_t cursor,
                    std::uint32_t limit) override;
  std::vector<Document> documents_in_scope(const DeviceIdentity& identity) override;
  std::vector<Document> documents_in_scope(const DeviceIdentity& identity, Kind kind) override;

 private:
  std::optional<std::int64_t> meta_int(std::string_view key);
  // Every document in scope, or those of one kind.
  std::vector<Document> scoped_documents(const DeviceIdentity& identity, std::optional<Kind> kind);
  void set_meta(std::string_view key, std::int64_t value);

  pg::Connection& m_connection;
  bool m_writes;  // a write transaction: it holds meta's last_seq row lock
  std::optional<std::uint64_t> m_last_seq;  // once read: the newest sequence number handed out
  bool m_seq_unsaved = false;
};

}  // namespace iro::server
