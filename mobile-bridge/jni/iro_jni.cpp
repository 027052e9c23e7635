// libiro_jni: the native methods of org.irosync.IroNative, each one call of
// the C ABI (iro.h), never the C++ core. Handles travel as jlong tokens,
// strings as UTF-8 byte arrays, failures become IroException. The methods
// are registered in JNI_OnLoad, so the library exports JNI_OnLoad and
// nothing else (jni.map).
#include <jni.h>

#include <vector>

#include "iro/iro.h"
#include "jni_support.hpp"
#include "listener_box.hpp"

using namespace iro::jni;

namespace {

ListenerBox* box_of(jlong box) {
  return reinterpret_cast<ListenerBox*>(static_cast<std::uintptr_t>(box));
}

// Throws on failure; for calls that return nothing.
void check(JNIEnv* env, iro_status_t status, const iro_error_t& error) {
  if (status != IRO_OK) throw_iro(env, status, error);
}

// Child sessions travel as jlong tokens too.
iro_child_session_t* child_of(jlong token) {
  return reinterpret_cast<iro_child_session_t*>(static_cast<std::uintptr_t>(token));
}

// A byte[] argument's contents (an attachment); none for null.
struct BytesArg {
  BytesArg(JNIEnv* env, jbyteArray array) {
    if (array == nullptr) return;
    null = false;
    bytes.resize(static_cast<std::size_t>(env->GetArrayLength(array)));
    env->GetByteArrayRegion(array, 0, static_cast<jsize>(bytes.size()),
                            reinterpret_cast<jbyte*>(bytes.data()));
  }
  const std::uint8_t* data() const { return null ? nullptr : bytes.data(); }
  bool null = true;
  std::vector<std::uint8_t> bytes;
};

// ---- Library ----------------------------------------------------------------

jint api_version(JNIEnv*, jclass) {
  return iro_api_version();
}

jlong live_handles(JNIEnv*, jclass) {
  return static_cast<jlong>(iro_live_handles());
}

jbyteArray timescales(JNIEnv* env, jclass, jbyteArray request_json) {
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status = iro_timescales(Utf8Arg(env, request_json).c_str(), &out, &error);
  return returned_string(env, status, error, out);
}

// ---- The app ------------------------------------------------------------------

jbyteArray app_call(JNIEnv* env, jclass, jlong token, jbyteArray request_json) {
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status =
      iro_app_call(store_of(token), Utf8Arg(env, request_json).c_str(), &out, &error);
  return returned_string(env, status, error, out);
}

// ---- Listener boxes ---------------------------------------------------------

jlong listener_box_create(JNIEnv*, jclass) {
  return static_cast<jlong>(reinterpret_cast<std::uintptr_t>(new ListenerBox()));
}

void listener_box_set(JNIEnv* env, jclass, jlong box, jobject listener) {
  set_listener(env, *box_of(box), listener);
}

void listener_box_free(JNIEnv* env, jclass, jlong box) {
  free_listener_box(env, box_of(box));
}

// ---- Stores -----------------------------------------------------------------

// Opens the store and registers `box` as its listener's context.
jlong store_open(JNIEnv* env, jclass, jbyteArray path, jbyteArray key, jlong box) {
  iro_error_t error{};
  iro_store_t* store = nullptr;
  {
    const KeyArg host_key(env, key);
    const iro_status_t status = iro_store_open(Utf8Arg(env, path).c_str(), host_key.data(),
                                               host_key.size(), &store, &error);
    if (status != IRO_OK) {
      throw_iro(env, status, error);
      return 0;
    }
  }
  const iro_status_t status = iro_store_set_listener(store, deliver_event, box_of(box), &error);
  if (status != IRO_OK) {
    iro_store_close(store);
    throw_iro(env, status, error);
    return 0;
  }
  return token_of(store);
}

// A C ABI call that gives the store's text (JSON, an id) through `char**`.
jbyteArray store_text(JNIEnv* env, jlong token,
                      iro_status_t (*call)(iro_store_t*, char**, iro_error_t*)) {
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status = call(store_of(token), &out, &error);
  return returned_string(env, status, error, out);
}

void store_close(JNIEnv*, jclass, jlong token) {
  iro_store_close(store_of(token));
}

jbyteArray device_id(JNIEnv* env, jclass, jlong token) {
  return store_text(env, token, iro_store_device_id);
}

jbyteArray status_json(JNIEnv* env, jclass, jlong token) {
  return store_text(env, token, iro_store_status_json);
}

jlong pending_changes(JNIEnv* env, jclass, jlong token) {
  iro_error_t error{};
  std::uint64_t count = 0;
  check(env, iro_store_pending_changes(store_of(token), &count, &error), error);
  return static_cast<jlong>(count);
}

jbyteArray export_json(JNIEnv* env, jclass, jlong token) {
  return store_text(env, token, iro_store_export_json);
}

// ---- Records ----------------------------------------------------------------

jbyteArray document_create(JNIEnv* env, jclass, jlong token, jbyteArray kind, jbyteArray child_id,
                           jbyteArray fields_json) {
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status = iro_document_create(store_of(token), Utf8Arg(env, kind).c_str(),
                                                  Utf8Arg(env, child_id).c_str(),
                                                  Utf8Arg(env, fields_json).c_str(), &out, &error);
  return returned_string(env, status, error, out);
}

void document_edit(JNIEnv* env, jclass, jlong token, jbyteArray doc_id, jbyteArray fields_json) {
  iro_error_t error{};
  check(env,
        iro_document_edit(store_of(token), Utf8Arg(env, doc_id).c_str(),
                          Utf8Arg(env, fields_json).c_str(), &error),
        error);
}

jbyteArray document_get(JNIEnv* env, jclass, jlong token, jbyteArray doc_id) {
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status =
      iro_document_get(store_of(token), Utf8Arg(env, doc_id).c_str(), &out, &error);
  return returned_string(env, status, error, out);
}

jbyteArray document_query(JNIEnv* env, jclass, jlong token, jbyteArray kind, jbyteArray child_id) {
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status = iro_document_query(store_of(token), Utf8Arg(env, kind).c_str(),
                                                 Utf8Arg(env, child_id).c_str(), &out, &error);
  return returned_string(env, status, error, out);
}

void document_delete(JNIEnv* env, jclass, jlong token, jbyteArray doc_id) {
  iro_error_t error{};
  check(env, iro_document_delete(store_of(token), Utf8Arg(env, doc_id).c_str(), &error), error);
}

jbyteArray note_add(JNIEnv* env, jclass, jlong token, jbyteArray child_id, jbyteArray text) {
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status = iro_note_add(store_of(token), Utf8Arg(env, child_id).c_str(),
                                           Utf8Arg(env, text).c_str(), &out, &error);
  return returned_string(env, status, error, out);
}

// ---- Attachments ------------------------------------------------------------

jbyteArray attachment_add(JNIEnv* env, jclass, jlong token, jbyteArray doc_id, jbyteArray bytes) {
  const BytesArg content(env, bytes);
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status =
      iro_attachment_add(store_of(token), Utf8Arg(env, doc_id).c_str(), content.data(),
                         content.bytes.size(), &out, &error);
  return returned_string(env, status, error, out);
}

jbyteArray attachment_get(JNIEnv* env, jclass, jlong token, jbyteArray hash) {
  iro_error_t error{};
  std::uint8_t* out = nullptr;
  std::size_t length = 0;
  const iro_status_t status =
      iro_attachment_get(store_of(token), Utf8Arg(env, hash).c_str(), &out, &length, &error);
  if (status != IRO_OK) {
    throw_iro(env, status, error);
    return nullptr;
  }
  jbyteArray bytes = env->NewByteArray(static_cast<jsize>(length));
  if (bytes != nullptr) {  // else OutOfMemoryError is pending
    env->SetByteArrayRegion(bytes, 0, static_cast<jsize>(length),
                            reinterpret_cast<const jbyte*>(out));
  }
  iro_free(out);
  return bytes;
}

jbyteArray attachments_json(JNIEnv* env, jclass, jlong token) {
  return store_text(env, token, iro_attachments_json);
}

// ---- Forms and child sessions -----------------------------------------------

jbyteArray form_templates_json(JNIEnv* env, jclass, jlong token) {
  return store_text(env, token, iro_form_templates_json);
}

jlong returned_child(JNIEnv* env, iro_status_t status, const iro_error_t& error,
                     iro_child_session_t* session) {
  if (status != IRO_OK) {
    throw_iro(env, status, error);
    return 0;
  }
  return static_cast<jlong>(reinterpret_cast<std::uintptr_t>(session));
}

jlong child_session_start(JNIEnv* env, jclass, jlong token, jbyteArray child_id,
                          jbyteArray template_id, jbyteArray setup_json) {
  iro_error_t error{};
  iro_child_session_t* session = nullptr;
  const iro_status_t status = iro_child_session_start(
      store_of(token), Utf8Arg(env, child_id).c_str(), Utf8Arg(env, template_id).c_str(),
      Utf8Arg(env, setup_json).c_str(), &session, &error);
  return returned_child(env, status, error, session);
}

jlong child_session_open(JNIEnv* env, jclass, jlong token, jbyteArray consultation_id) {
  iro_error_t error{};
  iro_child_session_t* session = nullptr;
  const iro_status_t status = iro_child_session_open(
      store_of(token), Utf8Arg(env, consultation_id).c_str(), &session, &error);
  return returned_child(env, status, error, session);
}

void child_session_close(JNIEnv*, jclass, jlong session) {
  iro_child_session_close(child_of(session));
}

jbyteArray child_session_form_json(JNIEnv* env, jclass, jlong session) {
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status = iro_child_session_form_json(child_of(session), &out, &error);
  return returned_string(env, status, error, out);
}

void child_session_answer(JNIEnv* env, jclass, jlong session, jbyteArray question_id,
                          jbyteArray text) {
  iro_error_t error{};
  check(env,
        iro_child_session_answer(child_of(session), Utf8Arg(env, question_id).c_str(),
                                 Utf8Arg(env, text).c_str(), &error),
        error);
}

jbyteArray child_session_attach(JNIEnv* env, jclass, jlong session, jbyteArray bytes) {
  const BytesArg content(env, bytes);
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status = iro_child_session_attach(child_of(session), content.data(),
                                                       content.bytes.size(), &out, &error);
  return returned_string(env, status, error, out);
}

void child_session_finish(JNIEnv* env, jclass, jlong session) {
  iro_error_t error{};
  check(env, iro_child_session_finish(child_of(session), &error), error);
}

// ---- Conflicts and timescales -----------------------------------------------

jbyteArray conflict_list(JNIEnv* env, jclass, jlong token) {
  return store_text(env, token, iro_conflict_list);
}

void conflict_resolve(JNIEnv* env, jclass, jlong token, jbyteArray doc_id, jbyteArray conflict_id,
                      jint resolution, jbyteArray text) {
  iro_error_t error{};
  check(env,
        iro_conflict_resolve(
            store_of(token), Utf8Arg(env, doc_id).c_str(), Utf8Arg(env, conflict_id).c_str(),
            static_cast<iro_conflict_resolution_t>(resolution), Utf8Arg(env, text).c_str(), &error),
        error);
}

jbyteArray child_timescales(JNIEnv* env, jclass, jlong token, jbyteArray child_id,
                            jbyteArray as_of) {
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status = iro_child_timescales(store_of(token), Utf8Arg(env, child_id).c_str(),
                                                   Utf8Arg(env, as_of).c_str(), &out, &error);
  return returned_string(env, status, error, out);
}

// ---- Sync -------------------------------------------------------------------

void enrol(JNIEnv* env, jclass, jlong token, jbyteArray server_url, jbyteArray code,
           jbyteArray device_name, jbyteArray ca_cert_path) {
  iro_error_t error{};
  check(env,
        iro_enrol(store_of(token), Utf8Arg(env, server_url).c_str(), Utf8Arg(env, code).c_str(),
                  Utf8Arg(env, device_name).c_str(), Utf8Arg(env, ca_cert_path).c_str(), &error),
        error);
}

jbyteArray sync_run(JNIEnv* env, jclass, jlong token, jdouble follow_seconds, jint max_attempts,
                    jbyteArray ca_cert_path) {
  const Utf8Arg ca_cert(env, ca_cert_path);
  iro_sync_options_t options;
  iro_sync_options_init(&options);
  options.follow_seconds = follow_seconds;
  options.max_attempts = max_attempts;
  options.ca_cert_path = ca_cert.c_str();
  iro_error_t error{};
  char* out = nullptr;
  const iro_status_t status = iro_sync_run(store_of(token), &options, &out, &error);
  return returned_string(env, status, error, out);
}

void sync_cancel(JNIEnv* env, jclass, jlong token) {
  iro_error_t error{};
  check(env, iro_sync_cancel(store_of(token), &error), error);
}

// ---- Registration -----------------------------------------------------------

// Signatures as IroNative declares them; a mismatch fails System.loadLibrary
// with NoSuchMethodError, not a call at run time.
template <typename Function>
JNINativeMethod native_method(const char* name, const char* signature, Function* function) {
  // jni.h's fields are char* in older JDKs and const char* in newer ones.
  return {const_cast<char*>(name), const_cast<char*>(signature), reinterpret_cast<void*>(function)};
}

const JNINativeMethod kMethods[] = {
    native_method("apiVersion", "()I", api_version),
    native_method("liveHandles", "()J", live_handles),
    native_method("timescales", "([B)[B", timescales),
    native_method("listenerBoxCreate", "()J", listener_box_create),
    native_method("listenerBoxSet", "(JLorg/irosync/IroListener;)V", listener_box_set),
    native_method("listenerBoxFree", "(J)V", listener_box_free),
    native_method("storeOpen", "([B[BJ)J", store_open),
    native_method("storeClose", "(J)V", store_close),
    native_method("deviceId", "(J)[B", device_id),
    native_method("statusJson", "(J)[B", status_json),
    native_method("pendingChanges", "(J)J", pending_changes),
    native_method("exportJson", "(J)[B", export_json),
    native_method("documentCreate", "(J[B[B[B)[B", document_create),
    native_method("documentEdit", "(J[B[B)V", document_edit),
    native_method("documentGet", "(J[B)[B", document_get),
    native_method("documentQuery", "(J[B[B)[B", document_query),
    native_method("documentDelete", "(J[B)V", document_delete),
    native_method("noteAdd", "(J[B[B)[B", note_add),
    native_method("attachmentAdd", "(J[B[B)[B", attachment_add),
    native_method("attachmentGet", "(J[B)[B", attachment_get),
    native_method("attachmentsJson", "(J)[B", attachments_json),
    native_method("formTemplatesJson", "(J)[B", form_templates_json),
    native_method("appCall", "(J[B)[B", app_call),
    native_method("childSessionStart", "(J[B[B[B)J", child_session_start),
    native_method("childSessionOpen", "(J[B)J", child_session_open),
    native_method("childSessionClose", "(J)V", child_session_close),
    native_method("childSessionFormJson", "(J)[B", child_session_form_json),
    native_method("childSessionAnswer", "(J[B[B)V", child_session_answer),
    native_method("childSessionAttach", "(J[B)[B", child_session_attach),
    native_method("childSessionFinish", "(J)V", child_session_finish),
    native_method("conflictList", "(J)[B", conflict_list),
    native_method("conflictResolve", "(J[B[BI[B)V", conflict_resolve),
    native_method("childTimescales", "(J[B[B)[B", child_timescales),
    native_method("enrol", "(J[B[B[B[B)V", enrol),
    native_method("syncRun", "(JDI[B)[B", sync_run),
    native_method("syncCancel", "(J)V", sync_cancel),
};

}  // namespace

extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
  if (!load_cache(env)) return JNI_ERR;
  const auto count = static_cast<jint>(sizeof kMethods / sizeof kMethods[0]);
  if (env->RegisterNatives(cache().native_class, kMethods, count) != JNI_OK) return JNI_ERR;
  return JNI_VERSION_1_6;
}
