// iro timescales: the due dates an IRO works to, computed on the device with
// no network: from dates given on the command line, with no store
// (README, "The device command line"), or from a child's records in the store
// (--child). Prints one JSON object; docs/ARCHITECTURE.md "Timescales"
// describes its keys.
#include <algorithm>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli_context.hpp"
#include "iro/device_timescales.hpp"
#include "iro/error.hpp"
#include "iro/holiday_calendar.hpp"
#include "iro/model.hpp"
#include "iro/timescale_policy.hpp"
#include "iro/timescales.hpp"
#include "iro/timescales_json.hpp"

namespace iro::cli {
namespace {

struct TimescalesOptions {
  std::string child;  // from the store's records instead of --looked-after and --review
  std::string looked_after;
  std::vector<std::string> reviews;  // DATE or DATE:REASON, in the order held
  std::string policy = "statutory";
  std::string holidays_file;
  std::string scheduled;
  std::string as_of;
  std::string strategy_discussion;
  std::vector<std::string> conferences;
  std::string dispute_raised;
};

// A bank holiday file is a few kilobytes; anything near this is the wrong file.
constexpr std::streamsize kMaxHolidayFileBytes = 1 << 20;

Date date_option(const std::string& option, const std::string& text) {
  if (auto date = Date::parse(text)) return *date;
  throw Error(ErrorCode::invalid_input,
              option + ": \"" + text.substr(0, 40) + "\" is not a date (expected YYYY-MM-DD)");
}

std::optional<Date> optional_date_option(const std::string& option, const std::string& text) {
  if (text.empty()) return std::nullopt;
  return date_option(option, text);
}

// "2024-05-20" or "2024-05-20:calculation_error" (the reason it was late).
std::vector<HeldMeeting> held_meetings(const std::string& option,
                                       const std::vector<std::string>& texts) {
  std::vector<HeldMeeting> meetings;
  for (const std::string& text : texts) {
    const auto colon = text.find(':');
    const std::string label = option + " " + std::to_string(meetings.size() + 1);
    HeldMeeting meeting{date_option(label, text.substr(0, colon)), ""};
    if (colon != std::string::npos) {
      meeting.out_of_timescale_reason = text.substr(colon + 1);
      if (meeting.out_of_timescale_reason.empty()) {
        throw Error(ErrorCode::invalid_input,
                    label + ": nothing after ':' (expected DATE or DATE:REASON)");
      }
    }
    meetings.push_back(std::move(meeting));
  }
  return meetings;
}

std::string read_holiday_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::invalid_input, "--holidays: cannot read " + path);
  std::string text(std::size_t(kMaxHolidayFileBytes) + 1, '\0');
  file.read(text.data(), kMaxHolidayFileBytes + 1);
  if (file.bad()) throw Error(ErrorCode::invalid_input, "--holidays: cannot read " + path);
  if (file.gcount() > kMaxHolidayFileBytes) {
    throw Error(ErrorCode::invalid_input,
                "--holidays: " + path + " is over 1 MiB; expected a bank holiday CSV");
  }
  text.resize(std::size_t(file.gcount()));
  return text;
}

void run_timescales(CliContext& context, const TimescalesOptions& options) {
  if (options.looked_after.empty() && options.child.empty() &&
      options.strategy_discussion.empty() && options.dispute_raised.empty()) {
    throw CLI::RequiredError(
        "timescales needs --looked-after DATE or --child ID (or --strategy-discussion or "
        "--dispute-raised)",
        CLI::ExitCodes::RequiredError);
  }
  if (!options.scheduled.empty() && options.looked_after.empty() && options.child.empty()) {
    throw CLI::RequiredError("--scheduled requires --looked-after or --child",
                             CLI::ExitCodes::RequiredError);
  }
  // The policy first: a misspelt name is the likeliest slip, and its message lists the names.
  const TimescalePolicy& policy = options.child.empty() ? timescale_policy(options.policy)
                                                        : device_timescale_policy(context.store());

  std::optional<HolidayCalendar> from_file;
  if (!options.holidays_file.empty()) {
    from_file = HolidayCalendar::england_and_wales().updated_with_csv(
        read_holiday_file(options.holidays_file), options.holidays_file);
  }
  const HolidayCalendar& calendar = from_file ? *from_file : HolidayCalendar::england_and_wales();
  const Date as_of = options.as_of.empty() ? local_today() : date_option("--as-of", options.as_of);

  nlohmann::ordered_json result = nlohmann::ordered_json::object();
  if (!options.child.empty()) {
    result = device_child_timescales_json(context.store(), options.child, calendar, as_of,
                                          optional_date_option("--scheduled", options.scheduled));
  } else if (!options.looked_after.empty()) {
    const auto reviews = held_meetings("--review", options.reviews);
    result = review_timescales_json(
        review_timescales(date_option("--looked-after", options.looked_after), reviews, policy,
                          calendar, optional_date_option("--scheduled", options.scheduled)),
        as_of);
  } else {
    result["as_of"] = as_of.to_string();
  }
  if (!options.strategy_discussion.empty()) {
    const auto conferences = held_meetings("--conference", options.conferences);
    result["child_protection"] =
        child_protection_json(child_protection_timescales(
                                  date_option("--strategy-discussion", options.strategy_discussion),
                                  conferences, calendar),
                              as_of);
  }
  if (!options.dispute_raised.empty()) {
    result["formal_dispute"] = formal_dispute_json(formal_dispute_timescales(
        date_option("--dispute-raised", options.dispute_raised), calendar));
  }
  result["bank_holiday_data_years"] = holiday_data_years_json(calendar);
  context.out() << result.dump(2) << "\n";
}

std::string joined(const auto& names) {
  std::string text;
  for (std::string_view name : names) {
    text += text.empty() ? "" : ", ";
    text += name;
  }
  return text;
}

std::string policy_names() {
  std::vector<std::string_view> names;
  for (const TimescalePolicy& policy : timescale_policies()) names.push_back(policy.name);
  return joined(names);
}

// The review record's codes, so the help lists exactly what is accepted.
std::string out_of_timescale_reasons() {
  return joined(schema_for(Kind::review).find("out_of_timescale_reason")->choices);
}

}  // namespace

void add_timescales_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<TimescalesOptions>();
  auto* command = app.add_subcommand(
      "timescales",
      "Due dates for a child's reviews (and child protection conferences, formal disputes): "
      "from dates given here (needs no --db), or from the child's records (--child)");
  auto* child = command->add_option(
      "--child", options->child,
      "A child this device holds: the looked-after date and reviews come from the records, the "
      "policy from the council (needs --db)");
  auto* looked_after = command->add_option("--looked-after", options->looked_after,
                                           "When the child became looked after (YYYY-MM-DD)");
  looked_after->excludes(child);
  command
      ->add_option("--review", options->reviews,
                   "A review held, in order: DATE, or DATE:REASON when it was late (" +
                       out_of_timescale_reasons() + ")")
      ->needs(looked_after);
  command
      ->add_option("--policy", options->policy,
                   "The council's timescales, shown beside the statutory ones: " + policy_names() +
                       " (default statutory; with --child, the council's from the server)")
      ->excludes(child);
  command->add_option("--holidays", options->holidays_file,
                      "A bank holiday CSV (GOV.UK's date,name) whose years replace the built-in "
                      "data");
  command->add_option("--scheduled", options->scheduled,
                      "When the next review is booked (preparation dates count back from it; with "
                      "--child, the default is the first review recorded after --as-of)");
  command->add_option("--as-of", options->as_of,
                      "The day to judge overdue by (default today); with --child, reviews "
                      "recorded after it are not held yet");
  auto* strategy = command->add_option("--strategy-discussion", options->strategy_discussion,
                                       "Child protection: the strategy discussion's date");
  command
      ->add_option("--conference", options->conferences,
                   "Child protection: a conference held, in order (the initial one first)")
      ->needs(strategy);
  command->add_option("--dispute-raised", options->dispute_raised,
                      "A formal dispute: the date it was raised");
  command->callback([&context, options] { run_timescales(context, *options); });
}

}  // namespace iro::cli
