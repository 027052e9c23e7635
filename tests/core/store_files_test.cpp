// What the device store leaves in its files: who may read them, what a
// purge leaves of a child's records, and what a wipe leaves of the store.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "iro/store.hpp"
#include "store/sqlite.hpp"
#include "support/device_fixture.hpp"
#include "support/test_bytes.hpp"

using namespace iro;
using namespace iro::test;

namespace {

constexpr const char* kPurgedWords = "Osprey-Quince 5813 told me about her brother";
constexpr const char* kKeptWords = "Heron-Damson 2290 enjoys football";

// The file's permission bits, e.g. 0600.
unsigned mode_of(const std::filesystem::path& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  return unsigned(status.st_mode & 0777);
}

// Sets the process's umask for the test's life (the usual 022 makes files
// 0644 unless the program asks for less).
class UmaskForTest {
 public:
  explicit UmaskForTest(mode_t mask) : m_old(::umask(mask)) {}
  ~UmaskForTest() { ::umask(m_old); }
  UmaskForTest(const UmaskForTest&) = delete;
  UmaskForTest& operator=(const UmaskForTest&) = delete;

 private:
  mode_t m_old;
};

bool all_zero(const std::string& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

std::string store_and_wal_bytes(const std::filesystem::path& path) {
  return bytes_of_file(path) + bytes_of_file(path.string() + "-wal");
}

}  // namespace

TEST_CASE("a new store's files are readable by their owner alone, whatever the umask") {
  UmaskForTest umask_022(022);
  TempDir dir;
  const auto path = dir / "device.db";
  auto store = DeviceStore::open(path, {.durable = false});
  store->create(Kind::visit, "C1", {{"note", std::string("Seen at school")}});
  for (const char* suffix : {"", "-wal", "-shm"}) {
    CAPTURE(suffix);
    REQUIRE(std::filesystem::exists(path.string() + suffix));
    CHECK(mode_of(path.string() + suffix) == 0600);
  }
}

TEST_CASE("any file the SQLite wrapper creates is its owner's alone (the server's store too)") {
  UmaskForTest umask_022(022);
  TempDir dir;
  {
    sqlite::Database database(dir / "server.db");
    database.execute("CREATE TABLE t (x)");
  }
  CHECK(mode_of(dir / "server.db") == 0600);
}

TEST_CASE("an existing file keeps the mode its owner gave it") {
  TempDir dir;
  const auto path = dir / "device.db";
  { std::ofstream touch(path); }
  std::filesystem::permissions(path, std::filesystem::perms(0640));
  auto store = DeviceStore::open(path, {.durable = false});
  CHECK(mode_of(path) == 0640);
}

TEST_CASE("a purged child's words leave the store's file and its WAL") {
  DeviceFixture device;
  const std::string purged =
      device.store->create(Kind::visit, "C-LEAVING", {{"note", std::string(kPurgedWords)}});
  device.store->edit(purged, {{"place", std::string("School")}});
  device.store->create(Kind::visit, "C-STAYING", {{"note", std::string(kKeptWords)}});
  // Closed once, so the words are in the main file as well as the WAL.
  device.store = device.open();
  REQUIRE(store_and_wal_bytes(device.dir / "device.db").find(kPurgedWords) != std::string::npos);

  const std::vector<std::string> leaving = {"C-LEAVING"};
  device.store->purge_children(leaving);

  // With the store still open: nothing waits for a later checkpoint.
  const std::string bytes = store_and_wal_bytes(device.dir / "device.db");
  CHECK(bytes.find(kPurgedWords) == std::string::npos);
  CHECK(bytes.find(kKeptWords) != std::string::npos);
  CHECK_FALSE(device.store->get(purged).has_value());
}

TEST_CASE("a wiped store's file is overwritten with zeros before it is removed") {
  DeviceFixture device;
  device.store->create(Kind::visit, "C1", {{"note", std::string(kPurgedWords)}});
  device.store.reset();
  const auto path = device.dir / "device.db";
  // A second name for the same bytes shows what the wipe left in them.
  const auto kept_name = device.dir / "second-name-of-the-store";
  std::filesystem::create_hard_link(path, kept_name);
  const auto size = std::filesystem::file_size(path);
  REQUIRE(bytes_of_file(kept_name).find(kPurgedWords) != std::string::npos);

  DeviceStore::destroy(path);

  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    CHECK_FALSE(std::filesystem::exists(path.string() + suffix));
  }
  CHECK(std::filesystem::file_size(kept_name) == size);
  CHECK(all_zero(bytes_of_file(kept_name)));
}

TEST_CASE("a wipe overwrites the WAL too when the store was closed for it") {
  DeviceFixture device;
  device.store->create(Kind::visit, "C1", {{"note", std::string(kPurgedWords)}});
  const auto path = device.dir / "device.db";
  const auto kept_wal = device.dir / "second-name-of-the-wal";
  std::filesystem::create_hard_link(path.string() + "-wal", kept_wal);
  REQUIRE(bytes_of_file(kept_wal).find(kPurgedWords) != std::string::npos);

  device.store->prepare_to_destroy();
  device.store.reset();
  REQUIRE(std::filesystem::exists(path.string() + "-wal"));  // left for the wipe
  DeviceStore::destroy(path);

  for (const char* suffix : {"", "-wal", "-shm"}) {
    CHECK_FALSE(std::filesystem::exists(path.string() + suffix));
  }
  CHECK(std::filesystem::file_size(kept_wal) > 0);
  CHECK(all_zero(bytes_of_file(kept_wal)));
}
