// What encryption at rest costs an IRO typing: times N edits of one visit note
// (1 KiB of text) in a plain store and in an encrypted one, in alternating
// rounds so that a busy machine slows both alike, and prints the medians.
//
//   iro_bench_store_encryption [--edits N] [--rounds R] [--durable]
//
// Not a test: nothing here passes or fails. --durable fsyncs every edit, as a
// tablet does; without it the numbers show the CPU cost rather than the disk's.
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

struct Settings {
  int edits = 10'000;
  int rounds = 3;
  bool durable = false;
};

Settings parse(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--edits" && i + 1 < argc) {
      settings.edits = std::atoi(argv[++i]);
    } else if (arg == "--rounds" && i + 1 < argc) {
      settings.rounds = std::atoi(argv[++i]);
    } else if (arg == "--durable") {
      settings.durable = true;
    } else {
      std::fprintf(stderr, "usage: %s [--edits N] [--rounds R] [--durable]\n", argv[0]);
      std::exit(2);
    }
  }
  if (settings.edits < 1 || settings.rounds < 1) {
    std::fprintf(stderr, "--edits and --rounds must be at least 1\n");
    std::exit(2);
  }
  return settings;
}

// About 1 KiB of a visit note: the size of a typical pre-review note.
std::string note_text(int edit) {
  std::string text;
  while (text.size() < 1000) {
    text += "Visited Ava at her foster home; she showed me her room and her drawings. ";
  }
  return text + "(edit " + std::to_string(edit) + ")";
}

// Seconds to make `edits` edits of one note in a new store at `path`.
double time_edits(const std::filesystem::path& path, const Settings& settings,
                  std::optional<iro::EncryptionKey> key) {
  iro::DeviceStore::destroy(path);
  auto store = iro::DeviceStore::open(path, {.encryption_key = key, .durable = settings.durable});
  const std::string id = store->create(iro::Kind::visit, "DEMO-0001", {{"note", note_text(0)}});
  const auto start = std::chrono::steady_clock::now();
  for (int edit = 1; edit <= settings.edits; ++edit) store->edit(id, {{"note", note_text(edit)}});
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  store.reset();
  iro::DeviceStore::destroy(path);
  return elapsed.count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  const Settings settings = parse(argc, argv);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("iro-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  iro::EncryptionKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = std::uint8_t(i * 37 + 11);

  std::vector<double> plain;
  std::vector<double> encrypted;
  try {
    for (int round = 0; round < settings.rounds; ++round) {
      plain.push_back(time_edits(dir / "plain.db", settings, std::nullopt));
      encrypted.push_back(time_edits(dir / "encrypted.db", settings, key));
    }
  } catch (const iro::Error& error) {
    std::fprintf(stderr, "iro_bench_store_encryption: %s\n", error.what());
    std::filesystem::remove_all(dir);
    return 1;
  }
  std::filesystem::remove_all(dir);

  const double plain_s = median(plain);
  const double encrypted_s = median(encrypted);
  std::printf("%d edits of a 1 KiB visit note, %s, median of %d rounds\n", settings.edits,
              settings.durable ? "durable (fsync per edit)" : "not durable (no fsync)",
              settings.rounds);
  std::printf("plain      %8.3f s  %7.1f us/edit\n", plain_s, plain_s * 1e6 / settings.edits);
  std::printf("encrypted  %8.3f s  %7.1f us/edit\n", encrypted_s,
              encrypted_s * 1e6 / settings.edits);
  std::printf("overhead   %+7.1f %%\n", (encrypted_s / plain_s - 1) * 100);
  return 0;
}
