// `iro letter ...`: a letter to the child from draft to issued, and its PDF
// read back with pdftotext (poppler-utils), run as real processes.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_device.hpp"
#include "iro/clock.hpp"
#include "iro/date.hpp"
#include "support/cli_checks.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using iro::test::check_refused;
using iro::test::lines_of;
using iro::test::ProcessResult;
using iro::test::run_process;
using nlohmann::json;

namespace {

// A device store seeded with the demo caseload (no server).
struct Device : iro::test::CliDevice {
  Device() { seed_demo(); }

  json show(const std::string& letter) {
    return json::parse(ok({"letter", "show", letter, "--json"}));
  }

  // The first demo child's record.
  json first_child() {
    for (const json& record : json::parse(run({"export", "--json"}).out)) {
      if (record["kind"] == "child") return record;
    }
    FAIL("the demo caseload has no child");
    return {};
  }
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The PDF's words, page by page (pdftotext ends each page with a form feed).
std::string pdf_text(const std::filesystem::path& pdf) {
  const ProcessResult result = run_process({IRO_PDFTOTEXT, "-enc", "UTF-8", pdf.string(), "-"});
  INFO("pdftotext: " << result.err);
  REQUIRE(result.exit_code == 0);
  return result.out;
}

std::string today() {
  return iro::local_date_of(iro::system_clock().now_ms()).to_string();
}

}  // namespace

TEST_CASE(
    "letter: drafted from a review in the child's chosen name, submitted, approved, issued, "
    "rendered as a PDF and locked") {
  Device device;
  const json child = device.first_child();
  const std::string child_id = child["child_id"];
  device.ok({"edit", child["id"].get<std::string>(), "--set", "preferred_name=Zoë"});
  const std::string review =
      device.ok({"add", "review", "--child", child_id, "--set", "date=" + today(), "--set",
                 "attendees=Mum, your foster carer Jo", "--set",
                 "recommendations=Family time with Mum every Saturday."});

  const std::string letter = device.ok({"letter", "draft", "--child", child_id, "--review", review,
                                        "--from-review", "--signed", "Priya Shah"});
  CHECK(letter.size() == 36);
  json shown = device.show(letter);
  CHECK(shown["status"] == "draft");
  CHECK(shown["review_id"] == review);
  CHECK(shown["approved_by"].is_null());
  CHECK(shown["distribution_due"].is_string());
  CHECK(shown["distribution_due"].get<std::string>() > today());
  const std::string body = shown["body"];
  CHECK(body.starts_with("Dear Zoë,"));
  CHECK(body.find("At your review I met Mum and your foster carer Jo.") != std::string::npos);
  CHECK(body.find("Family time with Mum every Saturday.") != std::string::npos);
  CHECK(body.find("From Priya Shah, your IRO") != std::string::npos);

  // Not issued before a manager approves it, nor approved before it is submitted.
  check_refused(device.run({"letter", "issue", letter}), 1, "cannot be issued until");
  check_refused(device.run({"letter", "approve", letter, "--by", "Meg"}), 1,
                "cannot be approved until");
  device.ok({"letter", "submit", letter});
  check_refused(device.run({"letter", "issue", letter}), 1, "a manager approved it");
  // A device with no user must say who approves.
  check_refused(device.run({"letter", "approve", letter}), 1, "--by");
  device.ok({"letter", "approve", letter, "--by", "Meg"});
  device.ok({"letter", "issue", letter});
  shown = device.show(letter);
  CHECK(shown["status"] == "issued");
  CHECK(shown["approved_by"] == "Meg");
  CHECK(shown["issued_on"] == today());

  // Issued: a record that does not change.
  check_refused(device.run({"edit", letter, "--set", "body=Dear Zoë, one more thing."}), 1,
                "is issued and cannot change");
  check_refused(device.run({"letter", "submit", letter}), 1, "addendum");
  CHECK(device.show(letter)["body"] == body);

  const std::filesystem::path pdf = device.dir / "letter.pdf";
  const std::filesystem::path html = device.dir / "letter.html";
  device.ok({"letter", "render", letter, "--pdf", pdf.string(), "--html", html.string()});
  const std::string words = pdf_text(pdf);
  CHECK(words.find("A letter for Zoë") != std::string::npos);
  CHECK(words.find("Dear Zoë,") != std::string::npos);
  CHECK(words.find("Priya Shah") != std::string::npos);
  const std::string page = read_file(html);
  CHECK(page.starts_with("<!DOCTYPE html>"));
  CHECK(page.find("<p>Dear Zoë,</p>") != std::string::npos);
}

TEST_CASE("letter render: a long letter runs over pages, emoji and markup print as words") {
  Device device;
  const std::string child_id = device.first_child()["child_id"];
  std::string text = "Dear Zoë 🎉,\n\n<b>not bold</b> & <script>alert(1)</script>";
  for (int i = 1; i <= 120; ++i) {
    text += "\n\nParagraph " + std::to_string(i) +
            ": we talked about school, family time and what you would like to happen next.";
  }
  text += "\n\nThe last words.";
  const std::string letter = device.ok({"letter", "draft", "--child", child_id, "--text", text});

  const std::filesystem::path pdf = device.dir / "long.pdf";
  const std::filesystem::path html = device.dir / "long.html";
  device.ok({"letter", "render", letter, "--pdf", pdf.string(), "--html", html.string()});
  const std::string words = pdf_text(pdf);
  CHECK(words.find("Dear Zoë") != std::string::npos);
  CHECK(words.find("<b>not bold</b> & <script>alert(1)</script>") != std::string::npos);
  CHECK(words.find("Paragraph 60:") != std::string::npos);
  CHECK(words.find("The last words.") != std::string::npos);
  CHECK(words.find("Draft: not approved") != std::string::npos);
  CHECK(std::count(words.begin(), words.end(), '\f') >= 3);  // pages

  const std::string page = read_file(html);
  CHECK(page.find("<script>") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);

  check_refused(device.run({"letter", "render", letter}), 1, "--pdf FILE");
  check_refused(device.run({"letter", "show", "01890a5d-ac96-774b-bcce-b302099a8057"}), 1,
                "no letter");
  check_refused(device.run({"letter", "draft", "--child", child_id, "--from-review"}), 1,
                "--from-review needs --review");
}
