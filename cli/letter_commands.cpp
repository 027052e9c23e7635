// letter draft / submit / approve / issue / show / render: the letter an IRO
// writes to the child after a review, in plain words addressed to them,
// through its lifecycle draft -> submitted -> approved (by a manager) ->
// issued (locked: corrections are addenda).
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli_context.hpp"
#include "iro/error.hpp"
#include "iro/letter_pdf.hpp"
#include "iro/letter_records.hpp"
#include "private_file.hpp"

namespace iro::cli {
namespace {

struct DraftOptions {
  std::string child;
  std::string text;
  std::string review;
  std::string signed_by;
  bool from_review = false;
};

struct LetterOptions {
  std::string id;
  std::string by;  // approve: who approves, on a device not enrolled
  bool json = false;
  std::string pdf;
  std::string html;
};

// The PDF renderer opens the file itself; made 0600 first when it is new,
// and removed again when it could not be written.
void write_pdf_file(const std::string& path, const LetterPage& page) {
  const bool created = create_private_file(path);
  try {
    write_letter_pdf(page, path);
  } catch (...) {
    if (created) {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
    throw;
  }
}

void add_draft_command(CLI::App& group, CliContext& context) {
  auto options = std::make_shared<DraftOptions>();
  auto* draft = group.add_subcommand("draft", "Start a letter to a child; prints its id last");
  draft->add_option("--child", options->child, "The child's id")->required();
  auto* text = draft->add_option("--text", options->text, "The letter's words");
  draft->add_option("--review", options->review, "The review the letter is about (its id)");
  auto* from_review = draft->add_flag(
      "--from-review", options->from_review,
      "Write a first draft from the device's records: the child, the review, the child's "
      "consultation (needs --review)");
  draft->add_option("--signed", options->signed_by, "Your name, as the letter signs off");
  text->excludes(from_review);
  draft->callback([&context, options] {
    DeviceStore& store = context.store();
    FieldMap fields;
    if (options->from_review) {
      if (options->review.empty()) {
        throw Error(ErrorCode::invalid_input, "--from-review needs --review REVIEW_ID");
      }
      fields.emplace("body", draft_letter_from_review(store, options->child, options->review,
                                                      options->signed_by, local_today()));
    } else if (!options->text.empty()) {
      fields.emplace("body", options->text);
    } else {
      throw Error(ErrorCode::invalid_input,
                  "give the letter's words with --text, or --from-review");
    }
    if (!options->review.empty())
      add_assignment(Kind::letter, "review_id=" + options->review, fields);
    context.out() << store.create(Kind::letter, options->child, fields) << "\n";
  });
}

void add_lifecycle_commands(CLI::App& group, CliContext& context) {
  auto submit_options = std::make_shared<LetterOptions>();
  auto* submit = group.add_subcommand("submit", "Send a draft to a manager to approve");
  submit->add_option("ID", submit_options->id, "The letter's id")->required();
  submit->callback([&context, submit_options] {
    DeviceStore& store = context.store();
    const Document letter = letter_or_throw(store, submit_options->id);
    require_letter_status(letter, "draft", "submitted", "it is a draft again");
    store.edit(letter.id, {{std::string(kStatusField), std::string("submitted")}});
  });

  auto approve_options = std::make_shared<LetterOptions>();
  auto* approve = group.add_subcommand(
      "approve", "Approve a submitted letter, in the name of this device's user (a manager)");
  approve->add_option("ID", approve_options->id, "The letter's id")->required();
  approve->add_option("--by", approve_options->by,
                      "Who approves, on a device not enrolled (an enrolled device approves in "
                      "its user's name)");
  approve->callback([&context, approve_options] {
    DeviceStore& store = context.store();
    const Document letter = letter_or_throw(store, approve_options->id);
    require_letter_status(letter, "submitted", "approved", "it is submitted (letter submit)");
    const std::string user = store.status().user_id;
    std::string approver = user.empty() ? approve_options->by : user;
    if (!user.empty() && !approve_options->by.empty() && approve_options->by != user) {
      throw Error(ErrorCode::invalid_input,
                  "a letter is approved in the name of the device's user (" + user +
                      "), not --by " + approve_options->by);
    }
    if (approver.empty()) {
      throw Error(ErrorCode::invalid_input,
                  "this device is not enrolled, so it has no user: say who approves with --by");
    }
    store.edit(letter.id,
               {{"approved_by", approver}, {std::string(kStatusField), std::string("approved")}});
  });

  auto issue_options = std::make_shared<LetterOptions>();
  auto* issue = group.add_subcommand(
      "issue", "Mark an approved letter as sent to the child (today); it is locked from then on");
  issue->add_option("ID", issue_options->id, "The letter's id")->required();
  issue->callback([&context, issue_options] {
    DeviceStore& store = context.store();
    const Document letter = letter_or_throw(store, issue_options->id);
    require_letter_status(letter, "approved", "issued", "a manager approved it (letter approve)");
    store.edit(letter.id,
               {{"issued_on", local_today()}, {std::string(kStatusField), std::string("issued")}});
  });
}

void add_reading_commands(CLI::App& group, CliContext& context) {
  auto show_options = std::make_shared<LetterOptions>();
  auto* show = group.add_subcommand("show", "Print a letter (its words, or --json)");
  show->add_option("ID", show_options->id, "The letter's id")->required();
  show->add_flag("--json", show_options->json,
                 "One JSON object: id, child_id, review_id, status, approved_by, issued_on, "
                 "distribution_due, body");
  show->callback([&context, show_options] {
    const DeviceStore& store = context.store();
    const Document letter = letter_or_throw(store, show_options->id);
    if (!show_options->json) {
      context.out() << letter_text(letter, "body") << "\n";
      return;
    }
    auto text_or_null = [&](std::string_view field) {
      const std::string text = letter_text(letter, field);
      return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
    };
    nlohmann::ordered_json json;
    json["id"] = letter.id;
    json["child_id"] = letter.child_id;
    json["review_id"] = text_or_null("review_id");
    json["status"] = letter_text(letter, kStatusField);
    json["approved_by"] = text_or_null("approved_by");
    const Value* issued_on = letter.field("issued_on");
    const Date* issued = issued_on ? std::get_if<Date>(issued_on) : nullptr;
    json["issued_on"] = issued ? nlohmann::ordered_json(issued->to_string()) : nullptr;
    const auto due = letter_due(store, letter);
    json["distribution_due"] = due ? nlohmann::ordered_json(due->to_string()) : nullptr;
    json["body"] = letter_text(letter, "body");
    context.out() << json.dump() << "\n";
  });

  auto render_options = std::make_shared<LetterOptions>();
  auto* render = group.add_subcommand("render", "Write a letter as a PDF and/or an HTML page");
  render->add_option("ID", render_options->id, "The letter's id")->required();
  render->add_option("--pdf", render_options->pdf, "The PDF file to write")->type_name("FILE");
  render->add_option("--html", render_options->html, "The HTML file to write")->type_name("FILE");
  render->callback([&context, render_options] {
    if (render_options->pdf.empty() && render_options->html.empty()) {
      throw Error(ErrorCode::invalid_input, "say what to write: --pdf FILE and/or --html FILE");
    }
    const DeviceStore& store = context.store();
    const LetterPage page = letter_page_of(store, letter_or_throw(store, render_options->id));
    if (!render_options->pdf.empty()) write_pdf_file(render_options->pdf, page);
    if (!render_options->html.empty())
      write_private_file(render_options->html, render_letter_html(page));
  });
}

}  // namespace

void add_letter_commands(CLI::App& app, CliContext& context) {
  auto* letter = app.add_subcommand("letter", "Letters to the child after a review");
  letter->require_subcommand(1);
  add_draft_command(*letter, context);
  add_lifecycle_commands(*letter, context);
  add_reading_commands(*letter, context);
}

}  // namespace iro::cli
