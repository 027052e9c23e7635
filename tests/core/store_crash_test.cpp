// Killing the process mid-write never leaves a half-applied edit, and never
// loses an edit whose commit returned. A forked child edits two fields in one
// transaction, over and over, reporting each committed edit through a pipe;
// the parent SIGKILLs it at a random moment and inspects the store.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "iro/store.hpp"
#include "store/sqlite.hpp"
#include "support/temp_dir.hpp"

using namespace iro;

namespace {

std::string note_text(long edit) {
  return "edit " + std::to_string(edit);
}

long edit_number(const Value& value) {
  return std::stol(std::get<std::string>(value).substr(5));
}

[[noreturn]] void edit_until_killed(const std::filesystem::path& path, const std::string& id,
                                    long first_edit, int report_fd) {
  try {
    auto store = DeviceStore::open(path);
    for (long edit = first_edit;; ++edit) {
      // Both fields carry the same number: a half-applied edit would show as a mismatch.
      store->edit(id, {{"note", note_text(edit)}, {"observations", note_text(edit)}});
      if (write(report_fd, &edit, sizeof edit) != sizeof edit) _exit(3);
    }
  } catch (...) {
    _exit(2);
  }
}

}  // namespace

TEST_CASE("SIGKILL during edits never leaves a half-applied edit or loses a committed one") {
  test::TempDir dir;
  const auto path = dir / "device.db";
  std::string id;
  {
    auto store = DeviceStore::open(path);
    id = store->create(Kind::visit, "C1", {{"note", note_text(0)}, {"observations", note_text(0)}});
  }
  std::mt19937 random(7);
  long last_committed = 0;
  for (int round = 0; round < 12; ++round) {
    CAPTURE(round);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(fds[0]);
      edit_until_killed(path, id, last_committed + 1, fds[1]);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 80));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));  // killed mid-loop, not exited with an error

    long reported = 0;
    while (read(fds[0], &reported, sizeof reported) == sizeof reported) {
      last_committed = std::max(last_committed, reported);
    }
    close(fds[0]);

    auto store = DeviceStore::open(path);
    const auto note = store->get(id);
    REQUIRE(note.has_value());
    const long note_edit = edit_number(*note->field("note"));
    CHECK(note_edit == edit_number(*note->field("observations")));
    // Every commit that returned is there; at most the one in flight when the kill came is extra.
    CHECK(note_edit >= last_committed);
    CHECK(note_edit <= last_committed + 1);
    last_committed = note_edit;

    // The outbox holds exactly the two coalesced changes, matching the document.
    const auto outbox = store->outbox();
    REQUIRE(outbox.size() == 2);
    for (const Change& change : outbox) CHECK(change.value == *note->field(change.field));

    sqlite::Database raw(path);
    CHECK(raw.query_text("PRAGMA integrity_check") == "ok");
  }
  CHECK(last_committed > 12);  // the children really were editing when killed
}
