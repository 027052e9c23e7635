#include "server/server_fixture.hpp"

#include <doctest/doctest.h>

#include <variant>

#include "service/accounts.hpp"
#include "service/caseload.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_server_store.hpp"

namespace iro::test {

server::ChildRecordRow child_row(std::string_view child_id, Date date_of_birth) {
  server::ChildRecordRow row;
  row.child_id = std::string(child_id);
  row.fields.emplace("first_name", std::string("Sam"));
  row.fields.emplace("last_name", "Example-" + std::string(child_id));
  row.fields.emplace("date_of_birth", date_of_birth);
  row.fields.emplace("looked_after_since", date_of_birth);
  row.fields.emplace("legal_status", std::string("C2"));
  return row;
}

// Not durable: the tests never pull the plug, and an fsync per commit only slows them.
ServerFixture::ServerFixture()
    : store(server::open_sqlite_server_store(dir / "server", {.durable = false})) {}

ServerFixture::~ServerFixture() = default;

void ServerFixture::write_with_clock(const TimedJob& job) {
  store->write([&](server::StoreTxn& txn) {
    server::TxnClock txn_clock(txn, clock);
    job(txn, txn_clock);
    txn_clock.save();
  });
}

void ServerFixture::add_tenant(std::string_view tenant) {
  store->write([&](server::StoreTxn& txn) { server::add_tenant(txn, tenant, clock.now_ms()); });
}

std::string ServerFixture::add_user(std::string_view tenant, std::string_view name,
                                    server::Role role) {
  std::string id;
  store->write([&](server::StoreTxn& txn) {
    id = server::add_user(txn, tenant, name, role, ids, clock.now_ms());
  });
  return id;
}

void ServerFixture::add_child(std::string_view tenant, std::string_view child_id,
                              std::string_view user_id, Date date_of_birth) {
  write_with_clock([&](server::StoreTxn& txn, server::TxnClock& txn_clock) {
    const server::ChildRecordRow row = child_row(child_id, date_of_birth);
    server::import_children(txn, tenant, std::span(&row, 1), txn_clock, ids);
    if (!user_id.empty()) server::allocate_child(txn, child_id, user_id, txn_clock);
  });
}

EnrolledDevice ServerFixture::enrol(std::string_view user_id) {
  std::variant<Enrolled, Refused> verdict;
  store->write([&](server::StoreTxn& txn) {
    const std::string code = server::issue_enrolment_code(txn, user_id, clock.now_ms());
    verdict = server::enrol_device(txn, Enrol{code, ids.next(clock.now_ms()), "test tablet"},
                                   clock.now_ms());
  });
  const auto* enrolled = std::get_if<Enrolled>(&verdict);
  REQUIRE_MESSAGE(enrolled != nullptr, "enrolment refused: " << std::get<Refused>(verdict).reason);
  return {identity_of(user_id, enrolled->device_id), enrolled->device_token};
}

server::DeviceIdentity ServerFixture::identity_of(std::string_view user_id, std::string device_id) {
  std::optional<server::UserRow> user;
  store->read([&](server::StoreTxn& txn) { user = txn.user(user_id); });
  REQUIRE_MESSAGE(user.has_value(), "no user " << std::string(user_id));
  return {std::move(device_id), user->id, user->tenant, user->role};
}

std::vector<Document> ServerFixture::documents_in_scope(const server::DeviceIdentity& identity) {
  std::vector<Document> documents;
  store->read([&](server::StoreTxn& txn) { documents = txn.documents_in_scope(identity); });
  return documents;
}

std::uint64_t ServerFixture::head_seq() {
  std::uint64_t head = 0;
  store->read([&](server::StoreTxn& txn) { head = txn.head_seq(); });
  return head;
}

std::filesystem::path ServerFixture::database_file() const {
  return dir / "server" / "iro-server.db";
}

std::int64_t ServerFixture::query_int(std::string_view sql) const {
  sqlite::Database database(database_file());
  return database.query_int(sql);
}

}  // namespace iro::test
