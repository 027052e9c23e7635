// Consultation forms and child mode (iro.h, "Consultation forms and child
// mode"): the templates a device holds (iro/form_template.hpp) and core's
// ChildModeSession behind a child session handle. A child session's calls
// hold its lock and then its store's call lock, as a sync session's do.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bridge_support.hpp"
#include "events.hpp"
#include "form_json.hpp"
#include "handles.hpp"
#include "iro/child_mode.hpp"
#include "iro/error.hpp"
#include "iro/form_template.hpp"
#include "iro/iro.h"
#include "iro/store.hpp"

using namespace iro::bridge;

namespace {

using nlohmann::json;

std::string compact(const json& value) {
  // Templates come from the server and are not re-validated on the device.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// iro_child_session_start's setup: NULL, or {"helped_by": ..., "review_id": ...}.
iro::ConsultationSetup setup_from_host(const char* setup_json) {
  iro::ConsultationSetup setup;
  if (setup_json == nullptr) return setup;
  const json request = json::parse(setup_json, nullptr, /*allow_exceptions=*/false);
  if (!request.is_object()) {
    throw iro::Error(iro::ErrorCode::invalid_input,
                     "setup_json is not a JSON object {\"helped_by\", \"review_id\"}");
  }
  for (const auto& [key, value] : request.items()) {
    std::string* target = key == "helped_by"   ? &setup.helped_by
                          : key == "review_id" ? &setup.review_id
                                               : nullptr;
    if (target == nullptr) {
      throw iro::Error(
          iro::ErrorCode::invalid_input,
          "setup_json: unknown key \"" + key.substr(0, 40) + "\" (known: helped_by, review_id)");
    }
    if (!value.is_string()) {
      throw iro::Error(iro::ErrorCode::invalid_input, "setup_json: " + key + " must be a string");
    }
    *target = value.get<std::string>();
  }
  return setup;
}

// Opens a session on `consultation_id` of the handle's store (its call lock held).
iro_child_session_t* open_session(const std::shared_ptr<StoreHandle>& store,
                                  iro::DeviceStore& device, const std::string& consultation_id) {
  auto handle = std::make_shared<ChildSessionHandle>();
  handle->store = store;
  handle->session = std::make_unique<iro::ChildModeSession>(device, consultation_id);
  return register_child_session(std::move(handle));
}

// Runs `body(ChildModeSession&, Events&)` with the session and its store
// locked; refused once the store is closed (the session's DeviceStore is gone).
template <typename Body>
iro_status_t with_child(iro_child_session_t* token, iro_error_t* error, Body&& body) {
  std::shared_ptr<ChildSessionHandle> child;
  Events events;
  const iro_status_t status = guarded(error, [&] {
    child = find_child_session(token);
    std::lock_guard<std::mutex> hold_session(child->lock);
    std::lock_guard<std::mutex> hold_store(child->store->call_lock);
    if (!child->store->store) throw Misuse("the child session's store is closed");
    body(*child->session, events);
  });
  if (child) child->store->listener.deliver(events);
  return status;
}

}  // namespace

extern "C" {

iro_status_t iro_form_templates_json(iro_store_t* store, char** out_json, iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(out_json, "out_json");
    json forms = json::array();
    for (const iro::FormTemplate& form : latest_templates(device)) {
      json shown = template_json(form);
      json questions = json::array();
      for (const iro::Question& question : form.questions)
        questions.push_back(question_json(question));
      shown["questions"] = std::move(questions);
      forms.push_back(std::move(shown));
    }
    *out_json = copy_out(compact(forms));
  });
}

iro_status_t iro_child_session_start(iro_store_t* store, const char* child_id,
                                     const char* template_id, const char* setup_json,
                                     iro_child_session_t** out_session, iro_error_t* error) {
  if (out_session != nullptr) *out_session = nullptr;
  return with_store_handle(
      store, error,
      [&](const std::shared_ptr<StoreHandle>& handle, iro::DeviceStore& device, Events& events) {
        require(child_id, "child_id");
        require(template_id, "template_id");
        require(out_session, "out_session");
        const iro::ConsultationSetup setup = setup_from_host(setup_json);
        const std::string id = iro::start_consultation(
            device, child_id, template_for_host(device, template_id), setup);
        events.push_back(local_change_event(id));
        *out_session = open_session(handle, device, id);
      });
}

iro_status_t iro_child_session_open(iro_store_t* store, const char* consultation_id,
                                    iro_child_session_t** out_session, iro_error_t* error) {
  if (out_session != nullptr) *out_session = nullptr;
  return with_store_handle(
      store, error,
      [&](const std::shared_ptr<StoreHandle>& handle, iro::DeviceStore& device, Events&) {
        require(consultation_id, "consultation_id");
        require(out_session, "out_session");
        *out_session = open_session(handle, device, consultation_id);
      });
}

iro_status_t iro_child_session_form_json(iro_child_session_t* session, char** out_json,
                                         iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return with_child(session, error, [&](iro::ChildModeSession& child, Events&) {
    require(out_json, "out_json");
    const std::map<std::string, std::string> answers = child.answers();
    json questions = json::array();
    for (const iro::Question& question : child.form().questions) {
      json shown = question_json(question);
      const auto answer = answers.find(question.id);
      shown["answer"] = answer == answers.end() ? json(nullptr) : json(answer->second);
      questions.push_back(std::move(shown));
    }
    *out_json = copy_out(compact({{"consultation_id", child.consultation_id()},
                                  {"child_name", child.child_name()},
                                  {"finished", child.finished()},
                                  {"template", template_json(child.form())},
                                  {"questions", std::move(questions)}}));
  });
}

iro_status_t iro_child_session_answer(iro_child_session_t* session, const char* question_id,
                                      const char* text, iro_error_t* error) {
  return with_child(session, error, [&](iro::ChildModeSession& child, Events& events) {
    require(question_id, "question_id");
    require(text, "text");
    child.answer(question_id, text);
    events.push_back(local_change_event(child.consultation_id()));
  });
}

iro_status_t iro_child_session_attach(iro_child_session_t* session, const uint8_t* bytes,
                                      size_t length, char** out_hash, iro_error_t* error) {
  if (out_hash != nullptr) *out_hash = nullptr;
  return with_child(session, error, [&](iro::ChildModeSession& child, Events& events) {
    require(out_hash, "out_hash");
    const std::string hash = child.attach(bytes_from_host(bytes, length));
    events.push_back(local_change_event(child.consultation_id()));
    *out_hash = copy_out(hash);
  });
}

iro_status_t iro_child_session_finish(iro_child_session_t* session, iro_error_t* error) {
  return with_child(session, error, [&](iro::ChildModeSession& child, Events& events) {
    child.finish();
    events.push_back(local_change_event(child.consultation_id()));
  });
}

void iro_child_session_close(iro_child_session_t* session) {
  // Waits for a call in progress on another thread; the session touches its
  // store only inside calls, so it may go whether or not the store is open.
  if (auto handle = unregister_child_session(session)) {
    std::lock_guard<std::mutex> hold(handle->lock);
    handle->session.reset();
  }
}

}  // extern "C"
