// A council on a real SQLite server store in a fresh temp dir, and the admin
// steps the server tests build on: tenants, users, children, allocations and
// enrolled devices, each in its own write transaction as the admin commands
// do it. Time is a ManualClock the test moves by hand.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "iro/date.hpp"
#include "iro/document.hpp"
#include "iro/uuid.hpp"
#include "service/children_csv.hpp"
#include "service/server_clock.hpp"
#include "store/server_store.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace iro::test {

// A child's record as the council's case system sends it: made-up names,
// looked after since a year after birth (or the date of birth for babies).
server::ChildRecordRow child_row(std::string_view child_id, Date date_of_birth);

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
                 Date date_of_birth = Date::from_ymd(2012, 3, 14));

  // Issues a code for the user and trades it for a device token, as
  // `iro enrol` does over the network. Fails the test when refused.
  EnrolledDevice enrol(std::string_view user_id);

  // Who a device of the user is, without enrolling it (merge tests pick
  // device ids to control tie-breaks).
  server::DeviceIdentity identity_of(std::string_view user_id, std::string device_id);

  std::vector<Document> documents_in_scope(const server::DeviceIdentity& identity);
  std::uint64_t head_seq();

  // The server's database file, for reads that bypass the store.
  std::filesystem::path database_file() const;
  // One number read straight from the SQLite file, e.g. "SELECT count(*) FROM history".
  std::int64_t query_int(std::string_view sql) const;
};

}  // namespace iro::test
