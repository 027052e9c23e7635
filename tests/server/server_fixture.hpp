// A council on a real server store (SQLite in a fresh temp dir, or a fresh
// PostgreSQL schema: server/test_store.hpp), and the admin
// steps the server tests build on: tenants, users, children, allocations and
// enrolled devices, each in its own write transaction as the admin commands
// do it. Time is a ManualClock the test moves by hand.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iro/date.hpp"
#include "iro/document.hpp"
#include "iro/protocol.hpp"
#include "iro/uuid.hpp"
#include "service/children_csv.hpp"
#include "service/server_clock.hpp"
#include "store/server_store.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace iro::test {

// A child's record as the council's case system sends it: made-up names,
// looked after since `looked_after` (by default, since birth).
server::ChildRecordRow child_row(std::string_view child_id, Date date_of_birth,
                                 std::optional<Date> looked_after = std::nullopt);

// A device that went through enrolment: who it is, and the token it holds.
struct EnrolledDevice {
  server::DeviceIdentity identity;
  std::string token;
};

class ServerFixture {
 public:
  ServerFixture();
  virtual ~ServerFixture();

  TempDir dir;
  ManualClock clock;
  std::unique_ptr<server::ServerStore> store;
  UuidV7Generator ids;

  using TimedJob = std::function<void(server::StoreTxn&, server::TxnClock&)>;
  // Runs `job` in a write transaction with the server's clock, saved before commit.
  void write_with_clock(const TimedJob& job);

  void add_tenant(std::string_view tenant);
  // Returns the new user's id.
  std::string add_user(std::string_view tenant, std::string_view name,
                       server::Role role = server::Role::iro);
  // Imports the child's record into the tenant and, unless `user_id` is
  // empty, allocates the child to that user.
  void add_child(std::string_view tenant, std::string_view child_id, std::string_view user_id,
                 Date date_of_birth = Date::from_ymd(2012, 3, 14),
                 std::optional<Date> looked_after = std::nullopt);

  // Issues a code for the user and trades it for a device token, as
  // `iro enrol` does over the network. Fails the test when refused.
  EnrolledDevice enrol(std::string_view user_id);

  // Who a device of the user is, without enrolling it (merge tests pick
  // device ids to control tie-breaks).
  server::DeviceIdentity identity_of(std::string_view user_id, std::string device_id);

  std::vector<Document> documents_in_scope(const server::DeviceIdentity& identity);
  std::uint64_t head_seq();

  // The server's SQLite file, for tests of that engine.
  std::filesystem::path database_file() const;
  // One number read straight from the store's tables, e.g. "SELECT count(*)
  // FROM history", in SQL both engines read alike.
  std::int64_t query_int(std::string_view sql) const;

  // Removes the child record's looked_after_since straight from the store,
  // as a record imported before the field was required would lack it: the
  // child's review dates cannot be computed.
  void forget_looked_after_since(std::string_view child_id);
  // The audit log's entries that match, oldest first.
  std::vector<server::AuditRow> audit(const server::AuditQuery& query = {});
};

inline constexpr std::uint64_t kMinute = 60 * 1000;
inline constexpr std::uint64_t kYear = 365 * 24 * 60 * kMinute;

// Device ids chosen so that the tablet's sorts after the laptop's: the tie-break.
inline const std::string kLaptop = "01890000-0000-7000-8000-00000000000a";
inline const std::string kTablet = "01890000-0000-7000-8000-00000000000b";

inline Value text(const char* words) {
  return std::string(words);
}

// A device's edit of one field. The push gives it the device's next device_seq.
Change set_field(std::string doc_id, Kind kind, std::string child_id, std::string field,
                 Value value, Hlc hlc = {}, std::uint64_t base = 0);

// A device's delete of a document it had seen up to server seq `base`.
Change delete_document(std::string doc_id, Kind kind, std::string child_id, Hlc hlc,
                       std::uint64_t base);

// Council "shire": IRO Ann holds C1 (born 2012) and C3 (born 2022, under 4),
// IRO Bob holds C2, Meg manages. Council "vale": IRO Val holds V1. Pushes go
// through apply_push, one push per transaction, as the commit queue runs it.
class Council : public ServerFixture {
 public:
  Council();

  std::string ann, bob, meg, val;
  server::DeviceIdentity ann_laptop, ann_tablet, meg_laptop, val_tablet;

  std::string new_id() { return ids.next(clock.now_ms()); }

  // A timestamp `offset_ms` after the server's now.
  Hlc at(std::uint64_t offset_ms = 0) { return Hlc::from_parts(clock.now_ms() + offset_ms, 0); }

  // One Push in one transaction. A change without a device_seq gets the
  // device's next one, as a device's outbox numbers its changes.
  std::vector<PushResult> push(const server::DeviceIdentity& device, std::vector<Change> changes);
  PushResult push(const server::DeviceIdentity& device, Change change);

  // What a Pull from `cursor` gives the device (one page of up to 500).
  Changes pull(const server::DeviceIdentity& device, std::uint64_t cursor = 0);
  // The children whose records a pull from `cursor` carries, following `more`.
  std::set<std::string> children_pulled(const server::DeviceIdentity& device,
                                        std::uint64_t cursor = 0);

  // A record or field of the council's (shire's unless `tenant` says).
  std::optional<server::FieldRow> field(const std::string& doc_id, std::string_view name,
                                        std::string_view tenant = "shire");
  std::optional<server::DocumentRow> document(const std::string& doc_id,
                                              std::string_view tenant = "shire");
  std::optional<server::HistoryRow> history(const server::DeviceIdentity& device,
                                            std::uint64_t device_seq);
  std::int64_t history_rows(const server::DeviceIdentity& device, std::uint64_t device_seq) const;
  std::vector<server::HistoryRow> quarantine(std::string_view tenant, std::size_t limit = 100);

  // A new record of `child` with these fields, pushed by `device` in one
  // Push; fails the test unless every field is accepted. Returns its id.
  std::string record(const server::DeviceIdentity& device, Kind kind, const std::string& child,
                     const std::vector<std::pair<std::string, Value>>& fields);
  // A review of Ann's child C1 held at the Town Hall, created by her laptop.
  std::string town_hall_review();

  // A visit note of Ann's child C1 from her laptop; returns its id.
  std::string visit_note(const char* note);
  Change set_note(const std::string& visit, const char* note, std::uint64_t base = 0);

  // A delete of C1's document.
  Change deletion(const std::string& doc_id, Kind kind, std::uint64_t base);

  // A letter to C1 at `status`, with a body so it may leave draft.
  // Up to submitted from Ann's laptop; approved by Meg's; issued from Ann's again.
  std::string letter_at(const char* status);
  // Meg, a manager, approves the letter (approved_by and status) from her laptop.
  void approve_letter(const std::string& letter);
  Change set_letter(const std::string& letter, const char* field, const char* value);

 private:
  std::map<std::string, std::uint64_t> m_last_device_seq;
};

}  // namespace iro::test
