/* iro.h: the stable C ABI over iro-sync's core, for iOS and Android hosts.
 *
 * Conventions (after LevelDB's c.h and LiteCore's c4 API):
 * - Functions are iro_<object>_<verb>; types are iro_<thing>_t.
 * - Every fallible function returns an iro_status_t (IRO_OK = 0) and takes a
 *   last `iro_error_t* error` argument, which may be NULL. It is written only
 *   on failure. There is no thread-local "last error": hosts call from any
 *   thread (JNI callbacks do).
 * - Strings are UTF-8 and NUL-terminated. A `char**` out-parameter receives a
 *   buffer the library allocated; the caller frees it with iro_free().
 * - Handles are opaque. iro_store_close accepts NULL. A store handle may be
 *   used from several threads; calls on one handle are serialised.
 * - IRO_API_VERSION changes whenever this header does; compare it with
 *   iro_api_version() at run time to detect a mismatched library.
 */
#ifndef IRO_IRO_H
#define IRO_IRO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define IRO_API __attribute__((visibility("default")))
#else
#define IRO_API
#endif

/* History: 1 = stores, notes, export. 2 = timescales. */
#define IRO_API_VERSION 2

/* Mirrors iro::ErrorCode one to one; IRO_ERR_MISUSE is the bridge's own. */
typedef enum iro_status {
  IRO_OK = 0,
  IRO_ERR_INVALID_INPUT = 1,       /* the data broke a rule; the message says which */
  IRO_ERR_NOT_FOUND = 2,           /* no such record */
  IRO_ERR_RECORD_LOCKED = 3,       /* an issued letter or finalised review */
  IRO_ERR_CORRUPT_DATA = 4,        /* bytes that do not decode */
  IRO_ERR_UNSUPPORTED_VERSION = 5, /* a format this build cannot read */
  IRO_ERR_STORAGE_FAILURE = 6,     /* the store's file failed (disk full, I/O) */
  IRO_ERR_STORAGE_BUSY = 7,        /* transient: another process is writing */
  IRO_ERR_SCHEMA_TOO_NEW = 8,      /* the store was written by a newer app */
  IRO_ERR_INTERNAL = 9,            /* a bug in iro-sync */
  IRO_ERR_WRONG_KEY = 10,          /* the store is encrypted with another key, or needs one */
  IRO_ERR_NETWORK = 11,            /* transient: the server could not be reached */
  IRO_ERR_REFUSED = 12,            /* the server refused this device; the message says why */
  IRO_ERR_MISUSE = 100             /* a NULL handle or argument where one is required */
} iro_status_t;

typedef enum iro_error_domain {
  IRO_DOMAIN_IRO = 1 /* codes are iro_status_t values */
} iro_error_domain_t;

typedef struct iro_error {
  iro_error_domain_t domain;
  int code;
  int transient;     /* non-zero: the same call may succeed if retried later */
  char message[512]; /* one line, NUL-terminated, cut to fit */
} iro_error_t;

typedef struct iro_store iro_store_t;

/* The IRO_API_VERSION the library was built with. */
IRO_API int iro_api_version(void);

/* Opens (creating when absent) the device store at `path`. On success
 * *out_store is a handle the caller closes with iro_store_close. */
IRO_API iro_status_t iro_store_open(const char* path, iro_store_t** out_store, iro_error_t* error);

/* Closes the store. NULL is ignored. The handle is invalid afterwards. */
IRO_API void iro_store_close(iro_store_t* store);

/* The device's id. Caller frees *out_id with iro_free. */
IRO_API iro_status_t iro_store_device_id(iro_store_t* store, char** out_id, iro_error_t* error);

/* Records a visit note for a child, dated today (UTC); *out_id receives the
 * note's id (caller frees). */
IRO_API iro_status_t iro_note_add(iro_store_t* store, const char* child_id, const char* text,
                                  char** out_id, iro_error_t* error);

/* Every record as the canonical JSON array of `iro export --json` (caller frees). */
IRO_API iro_status_t iro_store_export_json(iro_store_t* store, char** out_json, iro_error_t* error);

/* How many changes wait to be pushed. */
IRO_API iro_status_t iro_store_pending_changes(iro_store_t* store, uint64_t* out_count,
                                               iro_error_t* error);

/* The due dates of a child's reviews from the records this device holds, by
 * the council's timescale policy as the server last said (statutory before
 * the first sync): the JSON object `iro timescales --child` prints. `as_of` is
 * "YYYY-MM-DD", or NULL for today (local time). IRO_ERR_NOT_FOUND when the
 * store holds no such child. Caller frees *out_json. */
IRO_API iro_status_t iro_child_timescales(iro_store_t* store, const char* child_id,
                                          const char* as_of, char** out_json, iro_error_t* error);

/* Due dates from dates the host gives; no store needed. `request_json`:
 *   {"looked_after": "YYYY-MM-DD",                  required
 *    "reviews": ["YYYY-MM-DD", {"date": "YYYY-MM-DD",
 *                "out_of_timescale_reason": "calculation_error"}, ...],
 *    "policy": "statutory", "as_of": "YYYY-MM-DD", "scheduled": "YYYY-MM-DD"}
 * The answer is the JSON object `iro timescales` prints. IRO_ERR_INVALID_INPUT
 * for a bad date, an unknown policy or field, or reviews out of order. Caller
 * frees *out_json. Thread-safe. */
IRO_API iro_status_t iro_timescales(const char* request_json, char** out_json, iro_error_t* error);

/* Frees a buffer this library returned. NULL is ignored. */
IRO_API void iro_free(void* buffer);

/* Handles currently open; tests use it to catch leaks. */
IRO_API size_t iro_live_handles(void);

#ifdef __cplusplus
}
#endif

#endif /* IRO_IRO_H */
