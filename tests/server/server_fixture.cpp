#include "server/server_fixture.hpp"

#include <doctest/doctest.h>

#include <variant>

#include "server/test_store.hpp"
#include "service/accounts.hpp"
#include "service/caseload.hpp"
#include "service/reconcile.hpp"

namespace iro::test {

server::ChildRecordRow child_row(std::string_view child_id, Date date_of_birth,
                                 std::optional<Date> looked_after) {
  server::ChildRecordRow row;
  row.child_id = std::string(child_id);
  row.fields.emplace("first_name", std::string("Sam"));
  row.fields.emplace("last_name", "Example-" + std::string(child_id));
  row.fields.emplace("date_of_birth", date_of_birth);
  row.fields.emplace("looked_after_since", looked_after.value_or(date_of_birth));
  row.fields.emplace("legal_status", std::string("C2"));
  return row;
}

ServerFixture::ServerFixture() : store(open_test_store(dir / "server")) {}

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
                              std::string_view user_id, Date date_of_birth,
                              std::optional<Date> looked_after) {
  write_with_clock([&](server::StoreTxn& txn, server::TxnClock& txn_clock) {
    const server::ChildRecordRow row = child_row(child_id, date_of_birth, looked_after);
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
  return query_test_store(dir / "server", sql);
}

void ServerFixture::forget_looked_after_since(std::string_view child_id) {
  execute_in_test_store(dir / "server", "DELETE FROM field_state WHERE child_id = '" +
                                            std::string(child_id) +
                                            "' AND kind = 1 AND name = 'looked_after_since'");
}

std::vector<server::AuditRow> ServerFixture::audit(const server::AuditQuery& query) {
  std::vector<server::AuditRow> rows;
  store->read([&](server::StoreTxn& txn) { rows = txn.audit_log(query); });
  return rows;
}

Change set_field(std::string doc_id, Kind kind, std::string child_id, std::string field,
                 Value value, Hlc hlc, std::uint64_t base) {
  Change change;
  change.doc_id = std::move(doc_id);
  change.kind = kind;
  change.child_id = std::move(child_id);
  change.field = std::move(field);
  change.value = std::move(value);
  change.hlc = hlc;
  change.base = base;
  return change;
}

Change delete_document(std::string doc_id, Kind kind, std::string child_id, Hlc hlc,
                       std::uint64_t base) {
  Change change = set_field(std::move(doc_id), kind, std::move(child_id), "", Value{}, hlc, base);
  change.op = ChangeOp::delete_document;
  return change;
}

Council::Council() {
  add_tenant("shire");
  add_tenant("vale");
  ann = add_user("shire", "Ann Iro");
  bob = add_user("shire", "Bob Iro");
  meg = add_user("shire", "Meg Manager", server::Role::manager);
  val = add_user("vale", "Val Iro");
  add_child("shire", "C1", ann);
  add_child("shire", "C2", bob);
  add_child("shire", "C3", ann, Date::from_ymd(2022, 6, 1));
  add_child("vale", "V1", val);
  ann_laptop = identity_of(ann, kLaptop);
  ann_tablet = identity_of(ann, kTablet);
  meg_laptop = identity_of(meg, ids.next(clock.now_ms()));
  val_tablet = identity_of(val, ids.next(clock.now_ms()));
}

std::vector<PushResult> Council::push(const server::DeviceIdentity& device,
                                      std::vector<Change> changes) {
  for (Change& change : changes) {
    if (change.device_seq == 0) change.device_seq = ++m_last_device_seq[device.device_id];
  }
  std::vector<PushResult> results;
  write_with_clock([&](server::StoreTxn& txn, server::TxnClock& txn_clock) {
    results = server::apply_push(txn, device, changes, txn_clock);
  });
  REQUIRE(results.size() == changes.size());
  return results;
}

PushResult Council::push(const server::DeviceIdentity& device, Change change) {
  return push(device, std::vector<Change>{std::move(change)}).front();
}

Changes Council::pull(const server::DeviceIdentity& device, std::uint64_t cursor) {
  Changes page;
  store->read([&](server::StoreTxn& txn) { page = txn.pull_page(device, cursor, 500); });
  return page;
}

std::set<std::string> Council::children_pulled(const server::DeviceIdentity& device,
                                               std::uint64_t cursor) {
  std::set<std::string> children;
  for (int page = 0; page < 100; ++page) {
    const Changes changes = pull(device, cursor);
    for (const ChangeEntry& entry : changes.entries) children.insert(entry.change.child_id);
    cursor = changes.next_cursor;
    if (!changes.more) return children;
  }
  FAIL("a pull did not end within 100 pages");
  return children;
}

std::optional<server::FieldRow> Council::field(const std::string& doc_id, std::string_view name,
                                               std::string_view tenant) {
  std::optional<server::FieldRow> row;
  store->read([&](server::StoreTxn& txn) { row = txn.field(tenant, doc_id, name); });
  return row;
}

std::optional<server::DocumentRow> Council::document(const std::string& doc_id,
                                                     std::string_view tenant) {
  std::optional<server::DocumentRow> row;
  store->read([&](server::StoreTxn& txn) { row = txn.document(tenant, doc_id); });
  return row;
}

std::optional<server::HistoryRow> Council::history(const server::DeviceIdentity& device,
                                                   std::uint64_t device_seq) {
  std::optional<server::HistoryRow> row;
  store->read([&](server::StoreTxn& txn) { row = txn.history_for(device.device_id, device_seq); });
  return row;
}

std::int64_t Council::history_rows(const server::DeviceIdentity& device,
                                   std::uint64_t device_seq) const {
  return query_int("SELECT count(*) FROM history WHERE device_id = '" + device.device_id +
                   "' AND device_seq = " + std::to_string(device_seq));
}

std::vector<server::HistoryRow> Council::quarantine(std::string_view tenant, std::size_t limit) {
  std::vector<server::HistoryRow> rows;
  store->read([&](server::StoreTxn& txn) { rows = txn.quarantine(tenant, limit); });
  return rows;
}

std::string Council::record(const server::DeviceIdentity& device, Kind kind,
                            const std::string& child,
                            const std::vector<std::pair<std::string, Value>>& fields) {
  const std::string id = new_id();
  std::vector<Change> changes;
  for (const auto& [name, value] : fields) {
    changes.push_back(set_field(id, kind, child, name, value, at()));
  }
  for (const PushResult& result : push(device, changes)) {
    REQUIRE_MESSAGE(result.outcome == PushOutcome::accepted, result.reason);
  }
  return id;
}

std::string Council::town_hall_review() {
  const std::string review = new_id();
  const PushResult created =
      push(ann_laptop, set_field(review, Kind::review, "C1", "venue", text("Town Hall"), at()));
  REQUIRE(created.outcome == PushOutcome::accepted);
  return review;
}

std::string Council::visit_note(const char* note) {
  const std::string visit = new_id();
  REQUIRE(push(ann_laptop, set_note(visit, note)).outcome == PushOutcome::accepted);
  return visit;
}

Change Council::set_note(const std::string& visit, const char* note, std::uint64_t base) {
  return set_field(visit, Kind::visit, "C1", "note", text(note), at(), base);
}

Change Council::deletion(const std::string& doc_id, Kind kind, std::uint64_t base) {
  return delete_document(doc_id, kind, "C1", at(), base);
}

std::string Council::letter_at(const char* status) {
  const std::string letter = new_id();
  const std::string wanted = status;
  const bool approved = wanted == "approved" || wanted == "issued";
  // Ann writes and submits it; only a manager (Meg) may approve it.
  const auto results =
      push(ann_laptop, {set_field(letter, Kind::letter, "C1", "body",
                                  text("Dear Sam, thank you for coming to your review."), at()),
                        set_field(letter, Kind::letter, "C1", "status",
                                  text(approved ? "submitted" : status), at())});
  REQUIRE(results[0].outcome == PushOutcome::accepted);
  REQUIRE(results[1].outcome == PushOutcome::accepted);
  if (approved) approve_letter(letter);
  if (wanted == "issued") {
    REQUIRE(push(ann_laptop, set_letter(letter, "status", "issued")).outcome ==
            PushOutcome::accepted);
  }
  return letter;
}

void Council::approve_letter(const std::string& letter) {
  const auto results =
      push(meg_laptop, {set_field(letter, Kind::letter, "C1", "approved_by", Value{meg}, at()),
                        set_field(letter, Kind::letter, "C1", "status", text("approved"), at())});
  REQUIRE(results[0].outcome == PushOutcome::accepted);
  REQUIRE(results[1].outcome == PushOutcome::accepted);
}

Change Council::set_letter(const std::string& letter, const char* field, const char* value) {
  return set_field(letter, Kind::letter, "C1", field, text(value), at());
}

}  // namespace iro::test
