// `iro --key-file FILE`: the command line on an encrypted store, run as a real
// process against real files.
#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_checks.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using iro::test::check_refused;
using iro::test::lines_of;
using iro::test::ProcessResult;
using iro::test::run_process;
using nlohmann::json;

namespace {

constexpr const char* kTellTale = "Kestrel-Marmalade 4471 said she feels safe at home";
constexpr const char* kHexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

struct KeyFileCli {
  iro::test::TempDir dir;
  std::string db = (dir / "tablet.db").string();

  // A file in the test's directory holding `content` exactly.
  std::string file(const std::string& name, const std::string& content) {
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  ProcessResult run(std::vector<std::string> args, const std::string& key_file = "") {
    if (!key_file.empty()) args.insert(args.begin(), {"--key-file", key_file});
    args.insert(args.begin(), {IRO_CLI, "--db", db});
    return run_process(args);
  }

  std::string ok(std::vector<std::string> args, const std::string& key_file = "") {
    const ProcessResult result = run(std::move(args), key_file);
    INFO("stderr: " << result.err);
    REQUIRE(result.exit_code == 0);
    const auto lines = lines_of(result.out);
    return lines.empty() ? "" : lines.back();
  }

  std::string store_bytes() {
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(db + suffix, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
  }
};

// The same key as kHexKey, as 32 raw bytes.
std::string raw_key() {
  std::string raw;
  for (int i = 0; i < 32; ++i) raw.push_back(char(i));
  return raw;
}

}  // namespace

TEST_CASE("--key-file makes an encrypted store that every command opens with the key") {
  KeyFileCli cli;
  const std::string hex_file = cli.file("tablet.key", std::string(kHexKey) + "\n");
  const std::string id =
      cli.ok({"note", "add", "--child", "DEMO-0001", "--text", "first"}, hex_file);
  cli.ok({"note", "edit", id, "--text", kTellTale}, hex_file);

  const ProcessResult exported = cli.run({"export", "--json"}, hex_file);
  REQUIRE(exported.exit_code == 0);
  CHECK(json::parse(exported.out)[0]["fields"]["note"] == kTellTale);
  CHECK(cli.store_bytes().find(kTellTale) == std::string::npos);
  CHECK(cli.store_bytes().find("DEMO-0001") != std::string::npos);  // ids stay readable

  // The same key as raw bytes, or in capitals, opens it too.
  CHECK(json::parse(cli.run({"export", "--json"}, cli.file("raw.key", raw_key())).out) ==
        json::parse(exported.out));
  std::string upper = kHexKey;
  for (char& c : upper) c = char(std::toupper(c));
  CHECK(cli.run({"status"}, cli.file("upper.key", "  " + upper + "\r\n")).exit_code == 0);
}

TEST_CASE("an encrypted store refuses no key and another key, and a plain store refuses a key") {
  KeyFileCli cli;
  const std::string key = cli.file("tablet.key", kHexKey);
  cli.ok({"note", "add", "--child", "DEMO-0001", "--text", kTellTale}, key);

  check_refused(cli.run({"list"}), 1, "this store is encrypted: open it with its key (--key-file");
  std::string other = kHexKey;
  other[0] = '1';
  check_refused(cli.run({"list"}, cli.file("other.key", other)), 1,
                "the key does not open this store");
  CHECK(cli.run({"list"}, key).out.find("Kestrel-Marmalade") != std::string::npos);

  KeyFileCli plain;
  plain.ok({"note", "add", "--child", "DEMO-0001", "--text", kTellTale});
  check_refused(plain.run({"list"}, plain.file("tablet.key", kHexKey)), 1,
                "this store is not encrypted");
  CHECK(plain.store_bytes().find(kTellTale) != std::string::npos);
  CHECK(plain.run({"list"}).exit_code == 0);  // without a key, as ever
}

TEST_CASE("a key file that is not 64 hex digits or 32 raw bytes is refused in one line") {
  KeyFileCli cli;
  const std::string hex = kHexKey;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"short.key", hex.substr(0, 63)},
      {"long.key", hex + "0"},
      {"not-hex.key", hex.substr(0, 62) + "zz"},
      {"33-bytes.key", raw_key() + "x"},
      {"empty.key", ""},
      {"huge.key", std::string(4096, 'a')},
  };
  for (const auto& [name, content] : bad) {
    CAPTURE(name);
    check_refused(cli.run({"list"}, cli.file(name, content)), 1, "--key-file");
  }
  check_refused(cli.run({"list"}, (cli.dir / "missing.key").string()), 1, "cannot read it");
  CHECK_FALSE(std::filesystem::exists(cli.db));  // refused before the store was made
}
