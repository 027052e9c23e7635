// Child mode: the IRO hands the tablet to the child to fill in their
// consultation form. A ChildModeSession is opened on one consultation
// document and exposes only what the child needs: their own name, the
// questions of that consultation's template version, their answers so far,
// answering, finishing and attaching a drawing. Nothing else of the IRO's
// caseload is reachable through it: it has no accessor for the store.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "iro/form_template.hpp"

namespace iro {

class DeviceStore;

// What the IRO sets before handing the tablet over.
struct ConsultationSetup {
  std::string helped_by;  // a kHelpedBy code ("carer", "advocate"...); empty: not recorded
  std::string review_id;  // the review the consultation is for; empty: none yet
};

// Creates an in-progress consultation for `child_id` on template document
// `template_id` (which the store must hold), recording its version and age
// variant. Returns the consultation's id. Throws Error(not_found) when the
// store lacks the template, Error(invalid_input) for a bad child id or setup.
std::string start_consultation(DeviceStore& store, std::string_view child_id,
                               std::string_view template_id, const ConsultationSetup& setup = {});

// Thread safety: as the DeviceStore's; the store must outlive the session.
class ChildModeSession {
 public:
  // Opens the session on consultation `consultation_id`. Throws
  // Error(not_found) when the store lacks the consultation or the template
  // version it was started on, Error(invalid_input) for a document that is
  // not a consultation.
  ChildModeSession(DeviceStore& store, std::string_view consultation_id);

  const std::string& consultation_id() const noexcept { return m_consultation_id; }
  // The name the child asked to be called, else their first name; empty when
  // the device does not hold the child's record.
  const std::string& child_name() const noexcept { return m_child_name; }
  // The questions of the consultation's template version.
  const FormTemplate& form() const noexcept { return m_form; }
  // The answers so far, by question id.
  std::map<std::string, std::string> answers() const;
  bool finished() const;

  // Records (or, with empty text, clears) the answer to `question_id`.
  // Throws Error(invalid_input) for a question the template version lacks,
  // an answer that does not fit the question, or after finish().
  void answer(std::string_view question_id, std::string_view text);
  // Marks the consultation completed; later answers are refused.
  void finish();
  // Stores a drawing (or other picture) with the consultation; returns its
  // SHA-256 hex. Refused after finish().
  std::string attach(std::span<const std::uint8_t> bytes);

 private:
  void require_open() const;

  DeviceStore& m_store;
  std::string m_consultation_id;
  std::string m_child_name;
  FormTemplate m_form;
};

}  // namespace iro
