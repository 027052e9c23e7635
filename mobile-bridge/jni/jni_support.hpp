// What every native method of org.irosync.IroNative needs: the classes and
// methods cached in JNI_OnLoad, strings crossing as UTF-8 byte arrays, and
// libiro's errors thrown as org.irosync.IroException.
//
// Strings cross as byte[] holding standard UTF-8 (Java encodes and decodes
// them), not through GetStringUTFChars/NewStringUTF: those speak "modified
// UTF-8", which encodes characters outside the BMP (emoji in a visit note)
// differently from the UTF-8 libiro reads and writes.
#pragma once

#include <jni.h>

#include <cstdint>
#include <string>
#include <vector>

#include "iro/iro.h"

namespace iro::jni {

// Classes and methods looked up once, in JNI_OnLoad: a thread libiro calls
// a listener on may not be a Java thread, and FindClass there would search
// the system class loader, which does not know org.irosync.
struct Cache {
  JavaVM* vm = nullptr;
  jclass iro_exception = nullptr;  // global ref: org.irosync.IroException
  jmethodID iro_exception_init =
      nullptr;                        // IroException(int status, boolean transient, byte[] message)
  jclass native_class = nullptr;      // global ref: org.irosync.IroNative
  jmethodID deliver_event = nullptr;  // static void deliver(IroListener, byte[] eventJson)
};

// Fills the cache; false (with a Java exception pending) when a class or
// method is missing, e.g. a jar that does not match this library.
bool load_cache(JNIEnv* env);
const Cache& cache();

// libiro's handle tokens travel through Java as jlong (iro.h, "Handles").
inline iro_store_t* store_of(jlong token) {
  return reinterpret_cast<iro_store_t*>(static_cast<std::uintptr_t>(token));
}
inline jlong token_of(iro_store_t* store) {
  return static_cast<jlong>(reinterpret_cast<std::uintptr_t>(store));
}

// A string argument: a copy of a byte[] of UTF-8 (NUL-terminated here), or
// no string for a null array. Java refuses strings with NUL characters.
class Utf8Arg {
 public:
  Utf8Arg(JNIEnv* env, jbyteArray bytes);
  // The C string, or NULL when Java passed null (libiro says which
  // arguments may be NULL and refuses the others with IRO_ERR_MISUSE).
  const char* c_str() const { return m_null ? nullptr : m_text.c_str(); }

 private:
  bool m_null = true;
  std::string m_text;
};

// An encryption key argument, wiped when the call is done.
class KeyArg {
 public:
  KeyArg(JNIEnv* env, jbyteArray bytes);
  ~KeyArg();
  KeyArg(const KeyArg&) = delete;
  KeyArg& operator=(const KeyArg&) = delete;
  const std::uint8_t* data() const { return m_null ? nullptr : m_bytes.data(); }
  std::size_t size() const { return m_bytes.size(); }

 private:
  bool m_null = true;
  std::vector<std::uint8_t> m_bytes;
};

// A byte[] holding `text`'s bytes; null for NULL.
jbyteArray java_bytes(JNIEnv* env, const char* text);

// Throws IroException for a failed call (status and error as libiro wrote them).
void throw_iro(JNIEnv* env, iro_status_t status, const iro_error_t& error);

// The usual ending of a call returning a library-allocated string: frees
// `buffer` and returns it as a byte[] (null for NULL), or throws on failure.
jbyteArray returned_string(JNIEnv* env, iro_status_t status, const iro_error_t& error,
                           char* buffer);

}  // namespace iro::jni
