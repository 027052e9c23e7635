#include "service/reconcile.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "iro/error.hpp"
#include "iro/form_template.hpp"
#include "iro/merge.hpp"
#include "iro/validation.hpp"
#include "service/audit.hpp"
#include "service/blobs.hpp"
#include "service/child_access.hpp"

namespace iro::server {
namespace {

constexpr std::string_view kApprovedByField = "approved_by";

// Why a change cannot be applied (empty when it can): in words for the IRO,
// and for the audit log, which never quotes a value the device sent. A
// reason that quotes nothing the device typed is audited as it is.
struct Refusal {
  Refusal() = default;
  Refusal(std::string why, std::string for_audit = {})
      : reason(std::move(why)), audit(std::move(for_audit)) {}
  Refusal(const char* why) : reason(why) {}

  bool empty() const { return reason.empty(); }
  const std::string& audit_detail() const { return audit.empty() ? reason : audit; }

  std::string reason;
  std::string audit;
};

class Reconciler {
 public:
  Reconciler(StoreTxn& txn, const DeviceIdentity& identity, TxnClock& clock,
             const PushOptions& options)
      : m_txn(txn),
        m_identity(identity),
        m_clock(clock),
        m_remote(options.remote),
        m_access(txn, identity, clock.now_ms(), options.collecting),
        m_budget(options.merge_steps) {}

  PushResult apply(const Change& incoming) {
    Change change = incoming;
    change.device_id = m_identity.device_id;  // the session's device is the author
    m_written_seq = 0;
    m_refusal_audit.clear();
    m_over_budget = false;
    if (auto prior = m_txn.history_for(change.device_id, change.device_seq)) {
      return retry(change, *prior);
    }
    HistoryRow history;
    history.tenant = m_identity.tenant;
    history.change = change;
    history.device_seq = change.device_seq;
    history.received_ms = m_clock.now_ms();

    PushResult result = decide(change, history);
    result.device_seq = change.device_seq;
    history.outcome = result.outcome;
    history.seq = m_written_seq;
    history.stamped_hlc = result.hlc;
    if (result.outcome == PushOutcome::refused && history.reason.empty()) {
      history.reason = result.reason;  // refused after the first checks (a cross-field rule)
    }
    m_txn.append_history(history);
    audit(change, result, history.received_ms, false);
    return readable_part(std::move(result), change);
  }

  // Writes the push's audit entries, in the order of their first change.
  void finish_audit() {
    for (AuditRow& row : m_audit_rows) {
      row.detail = audit_detail(row.detail);
      m_txn.append_audit(row);
    }
    m_audit_rows.clear();
    m_audit_groups.clear();
  }

  // A refused change says whether the server has the record at all, as it
  // stands once the whole push is applied; a record the device may not read
  // is, to it, not there.
  void settle(std::vector<PushResult>& results, std::span<const Change> changes) {
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (results[i].outcome == PushOutcome::refused) {
        const auto document = m_txn.document(m_identity.tenant, changes[i].doc_id);
        results[i].document_known = document && m_access.may_read(document->child_id);
      }
    }
  }

 private:
  PushResult decide(const Change& change, HistoryRow& history) {
    if (!m_fields_in_push.emplace(change.doc_id, change.field).second) {
      // The device sends a field's next edit after the first's answer
      // (its outbox holds one unsent change a field): a push with two is
      // not a device's, and the second would be merged on top of a version
      // it never saw. It is kept (in the history), not applied.
      history.reason = "this push already changes " + describe_field(change) + " of record " +
                       change.doc_id + "; a push carries one change of a field";
      return refused(change, std::nullopt,
                     Refusal{history.reason, "a second change of the same field in one push"});
    }
    std::optional<DocumentRow> document = m_txn.document(m_identity.tenant, change.doc_id);
    if (!document && m_txn.record_id_taken(change.doc_id)) {
      // Ids are UUIDv7 made on devices: a clash with another council's record
      // is a forgery or a broken device. Say no more than that the id is taken.
      history.reason =
          "record id " + change.doc_id + " is already in use; the record was not saved";
      return refused(change, std::nullopt,
                     Refusal{history.reason, "the record id is another council's record"});
    }
    if (Refusal why = check(change, document); !why.empty()) {
      history.reason = why.reason;
      return refused(change, document, why);
    }
    if (change.op == ChangeOp::delete_document) return apply_delete(change, *document);
    if (is_conflict_slot(change.field)) return clear_conflict(change, *document);
    return apply_field(change, document);
  }

  static std::string describe_field(const Change& change) {
    return change.op == ChangeOp::set_field ? "field " + change.field : "the record as a whole";
  }

  Refusal check(const Change& change, const std::optional<DocumentRow>& document) {
    const KindSchema& schema = schema_for(change.kind);
    if (change.op == ChangeOp::restore_document) return "a device cannot send a restore";
    const ChildAccess::Write access = m_access.may_write(change.child_id);
    if (access == ChildAccess::Write::none) {
      const bool in_council = m_txn.child_record(m_identity.tenant, change.child_id).has_value();
      return Refusal{"child " + change.child_id + " is not in your caseload",
                     in_council ? "the child is not in this user's caseload"
                                : "no such child in this council"};
    }
    if (access == ChildAccess::Write::recently_removed && !held_before_removal(change, document)) {
      return Refusal{"child " + change.child_id +
                         " has left your caseload: only what this device wrote before the move "
                         "can still be sent, and no deletions",
                     "the child left this user's caseload; not a change of a record held then"};
    }
    if (document) {
      if (document->kind != change.kind || document->child_id != change.child_id) {
        return "record " + change.doc_id + " is a " + std::string(to_string(document->kind)) +
               " of child " + document->child_id + ", not a " +
               std::string(to_string(change.kind)) + " of child " + change.child_id;
      }
    } else {
      if (change.op == ChangeOp::delete_document) return "no record " + change.doc_id;
      if (schema.creator == Writer::server_only) {
        return std::string(to_string(change.kind)) + " records come from the server";
      }
    }
    // Clearing a conflict changes no record's words: allowed even once it is locked.
    if (change.op == ChangeOp::set_field && is_conflict_slot(change.field)) {
      return check_conflict_clear(change, document);
    }
    if (document && is_locked(*document)) {
      return std::string(to_string(document->kind)) + " " + document->id + " is " +
             std::string(schema.locked_status) + " and cannot change; record an addendum instead";
    }
    if (Refusal why = check_letter_approval(change); !why.empty()) return why;
    if (change.op == ChangeOp::set_field) {
      try {
        const FieldSpec& spec = require_field(schema, change.field, Writer::device_and_server);
        validate_value(schema, change.field, spec, change.value);
      } catch (const Error& error) {
        // The message may quote the value: the audit names only the field.
        return Refusal{error.what(), "not a valid value of this field"};
      }
      if (change.field == kAttachmentsField) return check_attachments(change, document);
    }
    return {};
  }

  // A device whose child left its caseload sends what its IRO wrote before
  // it knew: edits of records that were there when the child left or that
  // the device made itself, and records it made before the child left (by
  // its own clock: the server cannot see when an offline note was written,
  // so a device could backdate one; that is audited like every change). No
  // deletes, and nothing the device could not have held.
  bool held_before_removal(const Change& change, const std::optional<DocumentRow>& document) {
    const auto removal = m_access.removal(change.child_id);
    if (change.op != ChangeOp::set_field || !removal) return false;
    if (!document) return change.hlc.ms() <= removal->removed_ms;
    return document->created_seq < removal->seq || document->created_by == change.device_id;
  }

  // A record may name only attachments its author has shown it holds (by
  // uploading the bytes) or can already see through another record: naming
  // a hash must not be a way to fetch another child's drawing. The words
  // are the same whether or not the council holds the hash.
  Refusal check_attachments(const Change& change, const std::optional<DocumentRow>& document) {
    const auto* named = std::get_if<StringSet>(&change.value);
    if (!named) return {};
    // What the record already named, as the device last saw it or as it is
    // now, it may keep naming.
    StringSet known;
    const auto add_members = [&known](const std::optional<Value>& value) {
      const auto* set = value ? std::get_if<StringSet>(&*value) : nullptr;
      if (set) known.insert(known.end(), set->begin(), set->end());
    };
    if (document) {
      if (const auto current = m_txn.field(m_identity.tenant, document->id, change.field)) {
        add_members(current->value);
      }
      add_members(m_txn.field_version(m_identity.tenant, document->id, change.field, change.base));
    }
    std::sort(known.begin(), known.end());
    for (const std::string& hash : *named) {
      if (std::binary_search(known.begin(), known.end(), hash)) continue;
      if (!may_name_attachment(m_txn, m_identity, hash)) {
        return Refusal{"attachment " + hash.substr(0, 12) +
                           "... is not one this device has uploaded or can see; upload it first",
                       "names an attachment the user has not uploaded and cannot see"};
      }
    }
    return {};
  }

  // A manager approves the letter to the child: an IRO's device may draft,
  // submit and issue it, never approve it or name its approver; a manager
  // names themselves as the approver, never someone else.
  Refusal check_letter_approval(const Change& change) {
    if (change.kind != Kind::letter || change.op != ChangeOp::set_field) return {};
    const auto* text = std::get_if<std::string>(&change.value);
    const bool approves = change.field == kStatusField && text && *text == "approved";
    if (m_identity.role == Role::iro && (approves || change.field == kApprovedByField)) {
      return "only a manager can approve a letter";
    }
    if (change.field == kApprovedByField && !(text && *text == m_identity.user_id)) {
      return Refusal{
          "a letter's approved_by can only be set to your own user id, " + m_identity.user_id,
          "approved_by names someone other than the approving user"};
    }
    return {};
  }

  Refusal check_conflict_clear(const Change& change, const std::optional<DocumentRow>& document) {
    if (!document) return "no record " + change.doc_id;
    if (!is_unset(change.value)) {
      return "only the server records conflicts; a device may only clear " + change.field;
    }
    if (!m_txn.field(m_identity.tenant, document->id, change.field)) {
      return "no conflict " + change.field + " on record " + change.doc_id;
    }
    return {};
  }

  bool is_locked(const DocumentRow& document) {
    const KindSchema& schema = schema_for(document.kind);
    if (schema.locked_status.empty()) return false;
    const auto status = m_txn.field(m_identity.tenant, document.id, kStatusField);
    return status && status->value == Value{std::string(schema.locked_status)};
  }

  // The HLC the server keeps: a device's own, unless it is too far ahead of
  // the server's clock, when the server stamps it now instead.
  Hlc stamp(Hlc device_hlc) {
    if (is_too_far_ahead(device_hlc, m_clock.now_ms())) return m_clock.tick();
    m_clock.observe(device_hlc);
    return device_hlc;
  }

  PushResult apply_field(const Change& change, std::optional<DocumentRow> document) {
    const FieldSpec& spec = *schema_for(change.kind).find(change.field);
    const Hlc hlc = stamp(change.hlc);
    const auto current =
        document ? m_txn.field(m_identity.tenant, document->id, change.field) : std::nullopt;
    PushResult result;
    if (current && current->value == change.value) {
      result = with_server_value(PushOutcome::accepted, *current);  // already agreed
    } else if (current && merges_three_ways(spec) && change.base != current->seq) {
      // Edited from an older version: both sides' edits are kept, or the
      // incoming words become a conflict. Never last-writer-wins for prose.
      result = merge_three_ways(change, spec, *document, *current, hlc);
    } else if (current && !merges_three_ways(spec) &&
               decide_field(spec, {current->value, current->hlc, current->device_id},
                            {change.value, hlc, change.device_id}) == MergeDecision::keep_current) {
      result = with_server_value(PushOutcome::merged, *current);
    } else {
      if (Refusal why = check_cross_field(change, document); !why.empty()) {
        return refused(change, document, why);
      }
      if (!document) {
        document = DocumentRow{change.doc_id, m_identity.tenant, change.kind,     change.child_id,
                               false,         m_txn.head_seq(),  change.device_id};
        m_txn.put_document(*document);
      }
      result = write(*document, change.field, change.value, hlc, PushOutcome::accepted);
    }
    // Delete vs edit: an edit made without knowing of the delete brings the record back.
    if (document->deleted) {
      const auto deleted_at = m_txn.field(m_identity.tenant, document->id, "");
      if (!deleted_at || change.base < deleted_at->seq) restore(*document, hlc);
    }
    return result;
  }

  // Text and sets: the changes from the version the device started from to
  // the incoming value, applied on top of the server's value.
  PushResult merge_three_ways(const Change& change, const FieldSpec& spec,
                              const DocumentRow& document, const FieldRow& current, Hlc hlc) {
    const Value base =
        m_txn.field_version(m_identity.tenant, document.id, change.field, change.base)
            .value_or(Value{});
    const std::size_t refused_before = m_budget.merges_refused();
    const std::optional<Value> merged =
        merge_values(spec, base, current.value, change.value, &m_budget);
    m_over_budget = m_budget.merges_refused() != refused_before;
    if (!merged || !acceptable(change, spec, document, *merged)) {
      record_conflict(change, document, hlc);
      return with_server_value(PushOutcome::conflict, current);
    }
    if (*merged == current.value) return with_server_value(PushOutcome::merged, current);
    if (*merged == change.value) {
      return write(document, change.field, change.value, hlc, PushOutcome::accepted);
    }
    // Neither side's words alone: a new version, later than both.
    return write(document, change.field, *merged, m_clock.tick(), PushOutcome::merged);
  }

  // A merged value must still be a valid value of the field, on a valid record.
  bool acceptable(const Change& change, const FieldSpec& spec, const DocumentRow& document,
                  const Value& merged) {
    try {
      validate_value(schema_for(change.kind), change.field, spec, merged);
    } catch (const Error&) {
      return false;  // over the length limit, say: kept whole as a conflict instead
    }
    Change proposed = change;
    proposed.value = merged;
    return check_cross_field(proposed, document).empty();
  }

  // The incoming words lost an overlapping merge: they are kept in a new slot
  // of the document, which every device of the IRO receives and shows.
  void record_conflict(const Change& change, const DocumentRow& document, Hlc hlc) {
    const std::uint64_t seq = m_txn.next_seq();
    m_txn.put_field(document, conflict_slot(change.field, seq),
                    FieldRow{change.value, hlc, change.device_id, seq});
    m_written_seq = seq;
  }

  // Resolving is clearing the slot: an ordinary change, synced to every device.
  PushResult clear_conflict(const Change& change, const DocumentRow& document) {
    const auto slot = m_txn.field(m_identity.tenant, document.id, change.field);
    if (is_unset(slot->value)) return with_server_value(PushOutcome::accepted, *slot);
    return write(document, change.field, Value{}, stamp(change.hlc), PushOutcome::accepted);
  }

  // Sets the field to `value` as a new server version and reports it.
  PushResult write(const DocumentRow& document, const std::string& field, const Value& value,
                   Hlc hlc, PushOutcome outcome) {
    const std::uint64_t seq = m_txn.next_seq();
    m_txn.put_field(document, field, FieldRow{value, hlc, m_identity.device_id, seq});
    m_written_seq = seq;
    PushResult result;
    result.outcome = outcome;
    result.server_seq = seq;
    result.hlc = hlc;
    if (outcome != PushOutcome::accepted) result.value = value;
    return result;
  }

  // Rules across fields and records (a participation code must fit the
  // child's age on the review date), on the record as it would become.
  Refusal check_cross_field(const Change& change, const std::optional<DocumentRow>& document) {
    // Most changes are of kinds with no such rule: nothing to read back.
    if (!has_cross_field_rules(change.kind) && change.kind != Kind::consultation) return {};
    Document proposed;
    proposed.kind = change.kind;
    proposed.child_id = change.child_id;
    if (document) proposed.fields = m_txn.fields(m_identity.tenant, document->id);
    if (is_unset(change.value)) {
      proposed.fields.erase(change.field);
    } else {
      proposed.fields.insert_or_assign(change.field, change.value);
    }
    ChildFacts child;
    if (auto record = m_txn.child_record(m_identity.tenant, change.child_id)) {
      if (auto born = m_txn.field(m_identity.tenant, record->id, "date_of_birth")) {
        if (const Date* date = std::get_if<Date>(&born->value)) child.date_of_birth = *date;
      }
    }
    try {
      validate_cross_field_rules(proposed, child);
      check_consultation_template(proposed);
    } catch (const Error& error) {
      return Refusal{error.what(), "breaks a rule across the record's fields"};
    }
    return {};
  }

  // A consultation's answers must fit the template version it names, which
  // the server keeps for good: a device that missed a newer version is
  // checked against the old one, never forced to start again.
  void check_consultation_template(const Document& proposed) {
    if (proposed.kind != Kind::consultation) return;
    const Value* template_id = proposed.field("template_id");
    const std::string* id = template_id ? std::get_if<std::string>(template_id) : nullptr;
    if (!id) return;  // answers before the template is named are checked when it is
    const auto row = m_txn.document(m_identity.tenant, *id);
    if (!row || row->kind != Kind::form_template || row->deleted) {
      throw Error(ErrorCode::invalid_input, "consultation.template_id: no form template " + *id);
    }
    Document form;
    form.id = row->id;
    form.kind = row->kind;
    form.fields = m_txn.fields(m_identity.tenant, row->id);
    validate_consultation(proposed, form);
  }

  PushResult apply_delete(const Change& change, DocumentRow& document) {
    const Hlc hlc = stamp(change.hlc);
    if (document.deleted) {
      const auto flag = m_txn.field(m_identity.tenant, document.id, "");
      return with_server_value(PushOutcome::accepted, *flag);
    }
    const std::uint64_t newest =
        m_txn.newest_field_seq(m_identity.tenant, document.id, change.device_id);
    if (!delete_takes_effect(change.base, newest)) {
      // An edit the deleting device had not seen: the record stays.
      PushResult result;
      result.outcome = PushOutcome::merged;
      result.server_seq = newest;
      result.hlc = hlc;
      return result;
    }
    document.deleted = true;
    m_txn.put_document(document);
    const std::uint64_t seq = m_txn.next_seq();
    m_txn.put_field(document, "", FieldRow{true, hlc, change.device_id, seq});
    m_written_seq = seq;
    PushResult result;
    result.outcome = PushOutcome::accepted;
    result.server_seq = seq;
    result.hlc = hlc;
    return result;
  }

  void restore(DocumentRow& document, Hlc hlc) {
    document.deleted = false;
    m_txn.put_document(document);
    m_txn.put_field(document, "", FieldRow{false, hlc, m_identity.device_id, m_txn.next_seq()});
  }

  // The field as the server has it rides along (the device puts its copy
  // right), when the device may read it: readable_part() removes it otherwise.
  PushResult refused(const Change& change, const std::optional<DocumentRow>& document,
                     const Refusal& why) {
    m_refusal_audit = why.audit_detail();
    PushResult result;
    result.outcome = PushOutcome::refused;
    result.reason = why.reason;
    if (document && change.op == ChangeOp::set_field) {
      if (auto current = m_txn.field(m_identity.tenant, document->id, change.field)) {
        result.server_seq = current->seq;
        result.hlc = current->hlc;
        result.value = current->value;
      }
    }
    return result;
  }

  // What of a result the device may be told: a server value only of a
  // record it may read. Every answer passes through here, first verdicts and
  // retries alike, so no path returns another child's words.
  PushResult readable_part(PushResult result, const Change& change) {
    if (result.outcome == PushOutcome::accepted && is_unset(result.value)) return result;
    const auto document = m_txn.document(m_identity.tenant, change.doc_id);
    if (document && m_access.may_read(document->child_id)) return result;
    result.value = Value{};
    if (result.outcome == PushOutcome::refused) {
      result.server_seq = 0;
      result.hlc = Hlc{};
    }
    return result;
  }

  static PushResult with_server_value(PushOutcome outcome, const FieldRow& current) {
    PushResult result;
    result.outcome = outcome;
    result.server_seq = current.seq;
    result.hlc = current.hlc;
    result.value = current.value;
    return result;
  }

  // A change under a device_seq seen before: the very same change (a push
  // retried after a cut) gets its first verdict again, with the field as it
  // is now; anything else changes nothing and is refused.
  PushResult retry(const Change& change, const HistoryRow& prior) {
    if (prior.tenant != m_identity.tenant || !(prior.change == change)) {
      PushResult result;
      result.device_seq = change.device_seq;
      result.outcome = PushOutcome::refused;
      result.reason = "change " + std::to_string(change.device_seq) +
                      " of this device was received before with other content; the server "
                      "kept the first and did not apply this one";
      m_refusal_audit = "a device_seq used before, for another change";
      audit(change, result, m_clock.now_ms(), false);
      return result;
    }
    PushResult result;
    result.device_seq = *prior.device_seq;
    result.outcome = prior.outcome;
    result.reason = prior.reason;
    result.server_seq = prior.seq;
    result.hlc = prior.stamped_hlc;
    // Accepted without writing (the server already held the value): there is
    // no version of its own to name, so the answer names the field as it is
    // now; if it has moved on since, the device takes it as merged.
    const bool agreed = prior.outcome == PushOutcome::accepted && prior.seq == 0;
    if ((prior.outcome != PushOutcome::accepted || agreed) && change.op == ChangeOp::set_field) {
      if (auto current = m_txn.field(m_identity.tenant, change.doc_id, change.field)) {
        if (agreed && current->value != change.value) result.outcome = PushOutcome::merged;
        result.server_seq = current->seq;
        result.hlc = current->hlc;
        result.value = current->value;
      }
    }
    m_refusal_audit = prior.reason.empty() ? std::string() : "refused before";
    audit(change, result, m_clock.now_ms(), true);
    return readable_part(std::move(result), change);
  }

  // An audit entry for each change received: which record and field, and
  // what became of it (a refusal by its audit detail, never the value). The
  // fields of one record accepted (or merged) in one push share an entry,
  // "visit.note, place, date": an entry costs five index writes, and a
  // record is usually pushed whole.
  // A retry (a change seen before) is audited too, marked as one: what it
  // was answered is a disclosure like any other.
  void audit(const Change& change, const PushResult& result, std::uint64_t now_ms, bool retried) {
    const bool shares_entry =
        change.op == ChangeOp::set_field &&
        (result.outcome == PushOutcome::accepted || result.outcome == PushOutcome::merged);
    if (shares_entry) {
      auto [group, first_time] = m_audit_groups.try_emplace(
          std::tuple(change.doc_id, result.outcome, retried), m_audit_rows.size());
      if (!first_time) {
        m_audit_rows[group->second].detail += ", " + change.field;
        return;
      }
    }
    AuditRow& row = m_audit_rows.emplace_back(device_audit_row(
        m_identity, m_remote, AuditAction::push, audit_outcome(result.outcome), now_ms));
    row.child_id = change.child_id;
    row.doc_id = change.doc_id;
    std::string detail(to_string(change.kind));
    if (change.op == ChangeOp::delete_document) {
      detail += " deleted";
    } else if (change.op == ChangeOp::restore_document) {
      detail += " restored";
    } else {
      detail += "." + change.field;
    }
    if (retried) {
      detail += ": a retry, answered as before";
      if (result.outcome == PushOutcome::refused) detail += " (" + m_refusal_audit + ")";
    } else if (result.outcome == PushOutcome::conflict) {
      detail += ": kept as conflict " + conflict_slot(change.field, m_written_seq);
      if (m_over_budget) detail += " (too large a change to merge)";
    } else if (result.outcome == PushOutcome::refused) {
      detail += ": " + m_refusal_audit;
    }
    row.detail = std::move(detail);  // cut to length once complete
  }

  StoreTxn& m_txn;
  const DeviceIdentity& m_identity;
  TxnClock& m_clock;
  std::string_view m_remote;
  ChildAccess m_access;
  MergeBudget m_budget;             // shared by every merge of the push
  std::uint64_t m_written_seq = 0;  // what the change being applied wrote, for its history
  std::string m_refusal_audit;      // why the change being applied was refused, for the audit
  bool m_over_budget = false;       // the change's merge did not fit the budget
  // (record, field) of every change of the push so far.
  std::set<std::pair<std::string, std::string>> m_fields_in_push;
  std::vector<AuditRow> m_audit_rows;  // written by finish_audit
  // Which of m_audit_rows a record's accepted (or merged) fields share.
  std::map<std::tuple<std::string, PushOutcome, bool>, std::size_t> m_audit_groups;
};

}  // namespace

std::vector<PushResult> apply_push(StoreTxn& txn, const DeviceIdentity& identity,
                                   std::span<const Change> changes, TxnClock& clock,
                                   const PushOptions& options) {
  Reconciler reconciler(txn, identity, clock, options);
  std::vector<PushResult> results;
  results.reserve(changes.size());
  for (const Change& change : changes) results.push_back(reconciler.apply(change));
  reconciler.settle(results, changes);
  reconciler.finish_audit();
  clock.save();
  return results;
}

}  // namespace iro::server
