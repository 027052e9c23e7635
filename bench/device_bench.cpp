// The tablet's side of the benchmark figures: an IRO's whole caseload (70
// children, 10,000 records) in an encrypted, durable store, as a tablet
// holds it. Times opening the store, saving a visit note (one fsync'd
// transaction, as the IRO presses save) and listing one child's records.
// Prints one JSON line per figure: {"name", "value", "unit", "goal", "ok"}
// ("goal" and "ok" null where the issue sets none).
//
//   iro_bench_device [--records N] [--children N] [--samples N]
//
// Not a test: nothing here fails a build; bench/run prints the figures.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iro/error.hpp"
#include "iro/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Settings {
  int records = 10'000;
  int children = 70;
  int samples = 200;
};

Settings parse(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    int* target = arg == "--records"    ? &settings.records
                  : arg == "--children" ? &settings.children
                  : arg == "--samples"  ? &settings.samples
                                        : nullptr;
    if (target == nullptr || i + 1 >= argc) {
      std::fprintf(stderr, "usage: %s [--records N] [--children N] [--samples N]\n", argv[0]);
      std::exit(2);
    }
    *target = std::atoi(argv[++i]);
  }
  if (settings.records < 1 || settings.children < 1 || settings.samples < 2) {
    std::fprintf(stderr, "--records and --children at least 1, --samples at least 2\n");
    std::exit(2);
  }
  return settings;
}

std::string child_id(int index) {
  char id[16];
  std::snprintf(id, sizeof id, "DEMO-%04d", index + 1);
  return id;
}

// About 400 bytes: a short visit note.
std::string note_text(int number) {
  std::string text = "Visit " + std::to_string(number) + ". ";
  while (text.size() < 400)
    text += "Seen at home with her carer; talked about school and contact. ";
  return text;
}

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(fraction * double(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

// One figure, one JSON line. goal <= 0: the issue sets none.
void print(const char* name, double value, const char* unit, double goal) {
  if (goal > 0) {
    std::printf(
        "{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\", \"goal\": %.3f, "
        "\"ok\": %s}\n",
        name, value, unit, goal, value <= goal ? "true" : "false");
  } else {
    std::printf(
        "{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\", \"goal\": null, "
        "\"ok\": null}\n",
        name, value, unit);
  }
}

void fill_caseload(const std::filesystem::path& path, const Settings& settings,
                   const iro::EncryptionKey& key) {
  // Filling is not what is measured: no fsync per record.
  auto store = iro::DeviceStore::open(path, {.encryption_key = key, .durable = false});
  for (int record = 0; record < settings.records; ++record) {
    store->create(iro::Kind::visit, child_id(record % settings.children),
                  {{"note", note_text(record)}});
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Settings settings = parse(argc, argv);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("iro-bench-device-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / "tablet.db";
  iro::EncryptionKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = std::uint8_t(i * 29 + 3);

  try {
    fill_caseload(path, settings, key);

    // Opening: the app starting, or coming back to the foreground.
    std::vector<double> opens;
    for (int sample = 0; sample < std::min(settings.samples, 50); ++sample) {
      const auto start = Clock::now();
      auto store = iro::DeviceStore::open(path, {.encryption_key = key});
      opens.push_back(milliseconds_since(start));
    }

    auto store = iro::DeviceStore::open(path, {.encryption_key = key});  // durable, as a tablet
    // Saving: a new note, then edits of it, each its own fsync'd transaction.
    std::vector<double> saves;
    std::string note_id;
    for (int sample = 0; sample < settings.samples; ++sample) {
      const auto start = Clock::now();
      if (note_id.empty()) {
        note_id = store->create(iro::Kind::visit, child_id(0), {{"note", note_text(sample)}});
      } else {
        store->edit(note_id, {{"note", note_text(sample)}});
      }
      saves.push_back(milliseconds_since(start));
    }

    // A child's records: what the app shows when the IRO opens a child.
    std::vector<double> queries;
    std::size_t listed = 0;
    for (int sample = 0; sample < settings.samples; ++sample) {
      const auto start = Clock::now();
      listed =
          store->query(iro::DocumentQuery::of_child(child_id(sample % settings.children))).size();
      queries.push_back(milliseconds_since(start));
    }
    store.reset();
    std::filesystem::remove_all(dir);

    std::fprintf(stderr,
                 "iro_bench_device: %d records of %d children, encrypted; %zu records a child\n",
                 settings.records, settings.children, listed);
    print("device_open_ms", percentile(opens, 0.5), "ms", 50);
    print("device_open_p99_ms", percentile(opens, 0.99), "ms", 0);
    print("device_save_p50_ms", percentile(saves, 0.5), "ms", 0);
    print("device_save_p99_ms", percentile(saves, 0.99), "ms", 2);
    print("device_query_child_p50_ms", percentile(queries, 0.5), "ms", 0);
    print("device_query_child_p99_ms", percentile(queries, 0.99), "ms", 0);
  } catch (const iro::Error& error) {
    std::fprintf(stderr, "iro_bench_device: %s\n", error.what());
    std::filesystem::remove_all(dir);
    return 1;
  }
  return 0;
}
