// The field tables of every kind. Codes come from these sources:
// SSDA903 (legal status, participation), the IRO Handbook and council annual
// reports (permanence plans, out-of-timescale reasons, challenge categories).
#include <array>
#include <string>

#include "iro/error.hpp"
#include "iro/model.hpp"

namespace iro {
namespace {

using sv = std::string_view;
using enum FieldType;
constexpr Writer kServer = Writer::server_only;

// SSDA903 legal status codes.
constexpr std::array<sv, 13> kLegalStatus = {
    "C1",  // interim care order
    "C2",  // full care order
    "D1",  // freeing order granted
    "E1",  // placement order granted
    "J1",  // remanded to local authority accommodation or youth detention
    "J2",  // placed in local authority accommodation under PACE
    "J3",  // sentenced to a youth rehabilitation order with residence requirement
    "L1",  // under police protection, in local authority accommodation
    "L2",  // emergency protection order
    "L3",  // child assessment order, in local authority accommodation
    "V2",  // single period of accommodation under section 20
    "V3",  // accommodated under an agreed series of short-term breaks
    "V4",  // short-term breaks, individual placements
};

// SSDA903 participation: PN0 under 4; PN1-PN7 how a child of 4 or over took part.
constexpr std::array<sv, 8> kParticipation = {"PN0", "PN1", "PN2", "PN3",
                                              "PN4", "PN5", "PN6", "PN7"};

constexpr std::array<sv, 3> kReviewType = {"first", "second", "subsequent"};
constexpr std::array<sv, 3> kMeetingFormat = {"in_person", "virtual", "hybrid"};
constexpr std::array<sv, 8> kPermanencePlan = {"return_to_family",
                                               "adoption",
                                               "special_guardianship_or_cao",
                                               "long_term_fostering",
                                               "long_term_residential",
                                               "supported_living",
                                               "twin_tracking",
                                               "no_plan_yet"};
// Sunderland's recorded reasons for a review held out of timescale.
constexpr std::array<sv, 7> kOutOfTimescaleReason = {
    "late_notification",    "calculation_error", "missing_report", "significant_person_absent",
    "social_worker_absent", "held_in_parts",     "other"};
constexpr std::array<sv, 3> kReviewStatus = {"planned", "held", "finalised"};

constexpr std::array<sv, 3> kVisitType = {"pre_review", "midway", "other"};

constexpr std::array<sv, 4> kAgeVariant = {"under_8", "8_to_12", "13_plus", "parent_carer"};
constexpr std::array<sv, 7> kHelpedBy = {"nobody", "carer",         "advocate", "iro",
                                         "parent", "social_worker", "other"};
constexpr std::array<sv, 2> kConsultationStatus = {"in_progress", "completed"};

constexpr std::array<sv, 4> kLetterStatus = {"draft", "submitted", "approved", "issued"};

constexpr std::array<sv, 2> kFormality = {"informal", "formal"};
// Durham and Sunderland use dispute resolution levels 1-5; Leicestershire names the stages.
constexpr std::array<sv, 10> kChallengeStage = {"drp1",
                                                "drp2",
                                                "drp3",
                                                "drp4",
                                                "drp5",
                                                "team_manager",
                                                "service_manager",
                                                "head_of_service",
                                                "assistant_director",
                                                "director"};
// Herefordshire's categories, plus positive alerts for good practice.
constexpr std::array<sv, 13> kChallengeCategory = {"care_plan_not_written",
                                                   "care_plan_not_authorised",
                                                   "legal_delay",
                                                   "no_placement_plan",
                                                   "assessments_incomplete",
                                                   "no_social_worker",
                                                   "no_safety_plan",
                                                   "asylum_delay",
                                                   "adoption_drift",
                                                   "life_story_drift",
                                                   "health_delay",
                                                   "good_practice",
                                                   "other"};
constexpr std::array<sv, 3> kChallengeStatus = {"open", "responded", "resolved"};

constexpr std::array<FieldSpec, 8> kChildFields = {{
    {"first_name", line, kServer},
    {"last_name", line, kServer},
    {"preferred_name", line},  // the child may ask for it on the device
    {"pronouns", line, Writer::device_and_server, 40},
    {"date_of_birth", date, kServer},
    {"looked_after_since", date, kServer},
    {"legal_status", choice, kServer, 0, kLegalStatus},
    {"allocated_iro", line, kServer},
}};

constexpr std::array<FieldSpec, 17> kReviewFields = {{
    {"date", date},
    {"review_type", choice, Writer::device_and_server, 0, kReviewType},
    {"brought_forward", boolean},
    {"brought_forward_reason", line},
    {"part", integer, Writer::device_and_server, 0, {}, 1, 9},  // a review held in parts
    {"venue", line},
    {"format", choice, Writer::device_and_server, 0, kMeetingFormat},
    {"participation_code", choice, Writer::device_and_server, 0, kParticipation},
    {"attendees", set},
    {"consultation_sources", set},
    {"permanence_plan", choice, Writer::device_and_server, 0, kPermanencePlan},
    {"recommendations", text},
    {"recommendations_sent", date},
    {"record_sent", date},
    {"out_of_timescale_reason", choice, Writer::device_and_server, 0, kOutOfTimescaleReason},
    {"chair", line},
    {"status", status, Writer::device_and_server, 0, kReviewStatus},
}};

constexpr std::array<FieldSpec, 9> kVisitFields = {{
    {"date", date},
    {"place", line},
    {"visit_type", choice, Writer::device_and_server, 0, kVisitType},
    {"seen_alone", boolean},
    {"wishes_and_feelings", text},
    {"observations", text},
    {"actions", set},
    {"note", text},
    {"attachments", set, Writer::device_and_server, 64},  // SHA-256 of each blob (blob.hpp)
}};

constexpr std::array<FieldSpec, 8> kConsultationFields = {{
    {"template_id", reference},
    {"template_version", integer, Writer::device_and_server, 0, {}, 1, 1'000'000},
    {"age_variant", choice, Writer::device_and_server, 0, kAgeVariant},
    {"helped_by", choice, Writer::device_and_server, 0, kHelpedBy},
    {"review_id", reference},
    {"status", status, Writer::device_and_server, 0, kConsultationStatus},
    {"answer.*", text},  // one per question: answer.<question id>
    {"attachments", set, Writer::device_and_server, 64},  // the child's drawings (blob.hpp)
}};

constexpr std::array<FieldSpec, 6> kFormTemplateFields = {{
    {"family", line, kServer},  // the stable key the versions share, e.g. "review_13_plus"
    {"name", line, kServer},
    {"intro", text, kServer},  // the words above the questions
    {"version", integer, kServer, 0, {}, 1, 1'000'000},
    {"age_variant", choice, kServer, 0, kAgeVariant},
    {"questions", text, kServer, 256 * 1024},  // the question set, as JSON
}};

constexpr std::array<FieldSpec, 5> kLetterFields = {{
    {"review_id", reference},
    {"body", text},
    {"status", status, Writer::device_and_server, 0, kLetterStatus},
    {"approved_by", line},
    {"issued_on", date},
}};

constexpr std::array<FieldSpec, 9> kChallengeFields = {{
    {"formality", choice, Writer::device_and_server, 0, kFormality},
    {"stage", choice, Writer::device_and_server, 0, kChallengeStage},
    {"category", choice, Writer::device_and_server, 0, kChallengeCategory},
    {"raised_on", date},
    {"response_due", date},
    {"summary", text},
    {"outcome", text},
    {"positive", boolean},
    {"status", status, Writer::device_and_server, 0, kChallengeStatus},
}};

constexpr std::array<FieldSpec, 7> kMidwayFields = {{
    {"date", date},
    {"recommendations_on_track", boolean},
    {"drift_or_delay", boolean},
    {"care_plan_up_to_date", boolean},
    {"visited_in_timescale", boolean},
    {"child_voice_recorded", boolean},
    {"notes", text},
}};

constexpr std::array<KindSchema, 8> kSchemas = {{
    {Kind::child, kServer, kChildFields},
    {Kind::review, Writer::device_and_server, kReviewFields, "finalised", "planned"},
    {Kind::visit, Writer::device_and_server, kVisitFields},
    {Kind::consultation, Writer::device_and_server, kConsultationFields, {}, "in_progress"},
    {Kind::form_template, kServer, kFormTemplateFields},
    {Kind::letter, Writer::device_and_server, kLetterFields, "issued", "draft"},
    {Kind::challenge, Writer::device_and_server, kChallengeFields, {}, "open"},
    {Kind::midway, Writer::device_and_server, kMidwayFields},
}};

constexpr std::array<Kind, 8> kKinds = {Kind::child,        Kind::review,        Kind::visit,
                                        Kind::consultation, Kind::form_template, Kind::letter,
                                        Kind::challenge,    Kind::midway};

constexpr std::array<sv, 9> kKindNames = {"",       "child",        "review",
                                          "visit",  "consultation", "form_template",
                                          "letter", "challenge",    "midway"};

bool is_family_suffix(std::string_view suffix) {
  if (suffix.empty() || suffix.size() > 48) return false;
  for (const char c : suffix) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(Kind kind) noexcept {
  const auto index = static_cast<std::size_t>(kind);
  return index < kKindNames.size() ? kKindNames[index] : std::string_view{};
}

std::optional<Kind> parse_kind(std::string_view name) noexcept {
  for (const Kind kind : kKinds) {
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string_view to_string(FieldType type) noexcept {
  switch (type) {
    case text:
      return "text";
    case line:
      return "line";
    case date:
      return "date";
    case boolean:
      return "boolean";
    case integer:
      return "integer";
    case choice:
      return "choice";
    case status:
      return "status";
    case set:
      return "set";
    case reference:
      return "reference";
  }
  return "unknown";
}

std::size_t FieldSpec::byte_limit() const noexcept {
  if (max_bytes != 0) return max_bytes;
  return type == text ? kMaxTextBytes : kMaxLineBytes;
}

const FieldSpec* KindSchema::find(std::string_view field) const noexcept {
  for (const FieldSpec& spec : fields) {
    if (spec.is_family()) {
      const std::string_view prefix = spec.name.substr(0, spec.name.size() - 1);  // "answer."
      if (field.starts_with(prefix) && is_family_suffix(field.substr(prefix.size()))) {
        return &spec;
      }
    } else if (spec.name == field) {
      return &spec;
    }
  }
  return nullptr;
}

const KindSchema& schema_for(Kind kind) {
  for (const KindSchema& schema : kSchemas) {
    if (schema.kind == kind) return schema;
  }
  // Kinds come from parse_kind() or the codec, which both refuse unknown numbers.
  throw Error(ErrorCode::internal, "no schema for kind " + std::to_string(int(kind)));
}

std::span<const Kind> all_kinds() noexcept {
  return kKinds;
}

}  // namespace iro
