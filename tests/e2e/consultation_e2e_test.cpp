// Consultation forms end to end, with real processes: a child's consultation form filled
// offline with a drawing on the IRO's tablet, synced through a real
// iro-server to the IRO's other device; and the letter after the review,
// approved on a manager's device, issued and rendered to a PDF that pdftotext
// reads back.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "e2e/county.hpp"
#include "support/process.hpp"

using namespace iro::test;
using nlohmann::json;

namespace {

constexpr const char* kChild = "DEMO-0001";  // IRO 0's
constexpr const char* kGoingWell = "Football on Saturdays with my friend Jay";
constexpr const char* kNotToTalkAbout = "the argument at Gran's house at Easter";

// Publishes the consultation forms that ship in data/form-templates
// (`demo-county --no-reviews` leaves them out).
void publish_shipped_templates(County& county) {
  for (const auto& entry : std::filesystem::directory_iterator(IRO_FORM_TEMPLATES)) {
    if (entry.path().extension() != ".json") continue;
    const ProcessResult published = county.server().admin(
        {"publish-template", "--tenant", "demo-county", entry.path().string()});
    REQUIRE_MESSAGE(published.exit_code == 0, published.err);
  }
}

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// A made-up drawing: binary, with NULs, over one 256 KiB chunk.
std::string drawing() {
  std::string bytes = "\x89PNG\r\n\x1a\n";
  for (int i = 0; bytes.size() < 300 * 1024; ++i) bytes.push_back(char((i * 131 + 7) % 256));
  return bytes;
}

std::filesystem::path answers_file(const County& county) {
  const json answers = {{"going_well", kGoingWell},
                        {"not_talk_about", kNotToTalkAbout},
                        {"home_scale", "8"},
                        {"who_comes", "My foster carer Sam"}};
  return write_file(county.dir() / "answers.json", answers.dump());
}

json records_of(const std::string& export_json, const std::string& kind) {
  json found = json::array();
  for (const json& record : json::parse(export_json)) {
    if (record["kind"] == kind) found.push_back(record);
  }
  return found;
}

}  // namespace

TEST_CASE(
    "a form filled offline with a drawing reaches the IRO's other device and the server intact") {
  County county(6);
  publish_shipped_templates(county);
  DeviceProcess tablet = county.enrol_device(0);
  DeviceProcess laptop = county.enrol_device(0);
  tablet.ok({"sync"});
  laptop.ok({"sync"});
  CHECK(tablet.ok({"form", "list"}).find("review_") != std::string::npos);

  // Offline: the child fills the form on the tablet and adds a drawing.
  const std::filesystem::path picture = write_file(county.dir() / "drawing.png", drawing());
  const std::string consultation =
      tablet.ok({"form", "fill", "--child", kChild, "--template", "review_13_plus", "--answers",
                 answers_file(county).string(), "--attach", picture.string(), "--helped-by",
                 "carer", "--complete"});
  CHECK(records_of(county.server_export(county.iro(0)), "consultation").empty());

  const std::string synced = tablet.ok({"sync"});
  CHECK(synced == "attachments: sent 1, fetched 0");
  CHECK(laptop.ok({"sync"}) == "attachments: sent 0, fetched 1");

  const std::string on_tablet = tablet.export_json();
  CHECK(laptop.export_json() == on_tablet);
  CHECK(county.server_export(county.iro(0)) == on_tablet);
  const json forms = records_of(on_tablet, "consultation");
  REQUIRE(forms.size() == 1);
  CHECK(forms[0]["id"] == consultation);
  CHECK(forms[0]["fields"]["answer.going_well"] == kGoingWell);
  CHECK(forms[0]["fields"]["status"] == "completed");
  REQUIRE(forms[0]["fields"]["attachments"].size() == 1);
  const std::string hash = forms[0]["fields"]["attachments"][0];

  laptop.ok({"attachment", "get", hash, "--out", (county.dir() / "laptop.png").string()});
  CHECK(read_file(county.dir() / "laptop.png") == drawing());
  const ProcessResult from_server =
      county.server().admin({"attachment", "--tenant", "demo-county", "--hash", hash, "--out",
                             (county.dir() / "server.png").string()});
  REQUIRE_MESSAGE(from_server.exit_code == 0, from_server.err);
  CHECK(read_file(county.dir() / "server.png") == drawing());
}

TEST_CASE(
    "the letter after the review uses the child's chosen name and never what they asked not to be "
    "talked about") {
  County county(6);
  publish_shipped_templates(county);
  DeviceProcess tablet = county.enrol_device(0);
  DeviceProcess manager = county.enrol_manager_device();
  tablet.ok({"sync"});

  const std::string review =
      tablet.ok({"add", "review", "--child", kChild, "--set", "date=2026-11-16", "--set",
                 "attendees=Sam (foster carer),Priya (social worker)", "--set",
                 "recommendations=Family time with Gran moves to Saturdays."});
  tablet.ok({"form", "fill", "--child", kChild, "--template", "review_13_plus", "--answers",
             answers_file(county).string(), "--review", review, "--complete"});
  const std::string letter =
      tablet.ok({"letter", "draft", "--child", kChild, "--review", review, "--from-review"});
  tablet.ok({"letter", "submit", letter});

  // An IRO cannot issue what no manager approved, nor approve it themselves.
  CHECK(tablet.run({"letter", "issue", letter}).exit_code != 0);
  tablet.ok({"sync"});
  manager.ok({"sync"});
  manager.ok({"letter", "approve", letter});
  manager.ok({"sync"});
  tablet.ok({"sync"});
  tablet.ok({"letter", "issue", letter});
  tablet.ok({"sync"});

  const std::filesystem::path pdf = county.dir() / "letter.pdf";
  tablet.ok({"letter", "render", letter, "--pdf", pdf.string()});
  const ProcessResult text = run_process({IRO_PDFTOTEXT, pdf.string(), "-"});
  REQUIRE(text.exit_code == 0);

  const json child = records_of(tablet.export_json(), "child").at(0);
  const std::string chosen_name = child["fields"].contains("preferred_name")
                                      ? child["fields"]["preferred_name"]
                                      : child["fields"]["first_name"];
  CAPTURE(text.out);
  CHECK(text.out.find("Dear " + chosen_name) != std::string::npos);
  CHECK(text.out.find("Football on") != std::string::npos);   // answers are quoted...
  CHECK(text.out.find("Gran's house") == std::string::npos);  // ...but never this one
  CHECK(text.out.find("Easter") == std::string::npos);
  // Issued: locked, on the device and on the server.
  CHECK(tablet.run({"letter", "submit", letter}).exit_code != 0);
  CHECK(tablet.run({"edit", letter, "--set", "body=Another word"}).exit_code != 0);
}
