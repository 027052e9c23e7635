#include "jni_support.hpp"

#include <cstring>

namespace iro::jni {
namespace {

Cache g_cache;

// A global reference to the class `name`; null with a Java exception pending
// when it is missing.
jclass global_class(JNIEnv* env, const char* name) {
  jclass local = env->FindClass(name);
  if (local == nullptr) return nullptr;
  auto global = static_cast<jclass>(env->NewGlobalRef(local));
  env->DeleteLocalRef(local);
  return global;
}

}  // namespace

bool load_cache(JNIEnv* env) {
  if (env->GetJavaVM(&g_cache.vm) != JNI_OK) return false;
  g_cache.iro_exception = global_class(env, "org/irosync/IroException");
  if (g_cache.iro_exception == nullptr) return false;
  g_cache.iro_exception_init = env->GetMethodID(g_cache.iro_exception, "<init>", "(IZ[B)V");
  if (g_cache.iro_exception_init == nullptr) return false;
  g_cache.native_class = global_class(env, "org/irosync/IroNative");
  if (g_cache.native_class == nullptr) return false;
  g_cache.deliver_event =
      env->GetStaticMethodID(g_cache.native_class, "deliver", "(Lorg/irosync/IroListener;[B)V");
  return g_cache.deliver_event != nullptr;
}

const Cache& cache() {
  return g_cache;
}

Utf8Arg::Utf8Arg(JNIEnv* env, jbyteArray bytes) {
  if (bytes == nullptr) return;
  m_null = false;
  m_text.resize(static_cast<std::size_t>(env->GetArrayLength(bytes)));
  env->GetByteArrayRegion(bytes, 0, static_cast<jsize>(m_text.size()),
                          reinterpret_cast<jbyte*>(m_text.data()));
}

KeyArg::KeyArg(JNIEnv* env, jbyteArray bytes) {
  if (bytes == nullptr) return;
  m_null = false;
  m_bytes.resize(static_cast<std::size_t>(env->GetArrayLength(bytes)));
  env->GetByteArrayRegion(bytes, 0, static_cast<jsize>(m_bytes.size()),
                          reinterpret_cast<jbyte*>(m_bytes.data()));
}

KeyArg::~KeyArg() {
  // Through a volatile pointer, so the compiler cannot drop the writes.
  volatile std::uint8_t* bytes = m_bytes.data();
  for (std::size_t i = 0; i < m_bytes.size(); ++i) bytes[i] = 0;
}

jbyteArray java_bytes(JNIEnv* env, const char* text) {
  if (text == nullptr) return nullptr;
  const auto length = static_cast<jsize>(std::strlen(text));
  jbyteArray bytes = env->NewByteArray(length);
  if (bytes == nullptr) return nullptr;  // OutOfMemoryError is pending
  env->SetByteArrayRegion(bytes, 0, length, reinterpret_cast<const jbyte*>(text));
  return bytes;
}

void throw_iro(JNIEnv* env, iro_status_t status, const iro_error_t& error) {
  // The message is cut to fit iro_error_t, perhaps inside a UTF-8 sequence:
  // Java's decoder turns what is left of it into U+FFFD.
  jbyteArray message = java_bytes(env, error.message);
  if (message == nullptr) return;
  const jint code = error.code != 0 ? error.code : static_cast<jint>(status);
  auto exception = static_cast<jthrowable>(
      env->NewObject(cache().iro_exception, cache().iro_exception_init, code,
                     static_cast<jboolean>(error.transient != 0), message));
  if (exception != nullptr) env->Throw(exception);
}

jbyteArray returned_string(JNIEnv* env, iro_status_t status, const iro_error_t& error,
                           char* buffer) {
  if (status != IRO_OK) {
    iro_free(buffer);
    throw_iro(env, status, error);
    return nullptr;
  }
  jbyteArray bytes = java_bytes(env, buffer);
  iro_free(buffer);
  return bytes;
}

}  // namespace iro::jni
