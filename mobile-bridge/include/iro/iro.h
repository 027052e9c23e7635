/* iro.h: the stable C ABI over iro-sync's core, for iOS and Android hosts.
 *
 * Conventions (after LevelDB's c.h and LiteCore's c4 API):
 *
 * Names. Functions are iro_<object>_<verb>; types are iro_<thing>_t.
 *
 * Errors. Every fallible function returns an iro_status_t (IRO_OK = 0) and
 *   takes a last `iro_error_t* error` argument, which may be NULL. It is
 *   written only on failure. There is no thread-local "last error": hosts call
 *   from any thread (JNI callbacks do). `error->transient` says whether the
 *   same call may succeed later (IRO_ERR_STORAGE_BUSY, IRO_ERR_NETWORK).
 *   Expected misses are not errors: a record that is not there comes back as
 *   NULL with IRO_OK (iro_document_get), a query that matches nothing as "[]".
 *   (iro_attachment_get is the exception: bytes not held yet are
 *   IRO_ERR_NOT_FOUND, as a sync may fetch them.)
 *   On failure, out-parameters are set to NULL (or 0).
 *
 * Ownership. Strings are UTF-8 and NUL-terminated. A `char**` (or
 *   `uint8_t**`) out-parameter receives a buffer the library allocated; the
 *   caller frees it with iro_free(). A frame list (iro_frames_t) is freed with
 *   iro_frames_free(). The library never keeps a pointer the caller passed in
 *   after the call returns (a listener's `context` excepted). JSON the
 *   library returns is one compact line, except iro_store_export_json's,
 *   which is `iro export --json` byte for byte.
 *
 * Handles. iro_store_t*, iro_sync_session_t* and iro_child_session_t* are
 *   opaque tokens, not pointers: each names an entry in the library's table
 *   of open handles by an id never reused. A NULL, closed or made-up handle
 *   is refused with IRO_ERR_MISUSE ("the store handle is closed or
 *   invalid"), never dereferenced, so a use after close cannot crash.
 *   Closing functions accept NULL and closed handles. iro_live_handles()
 *   counts what is open; tests use it to catch leaks.
 *
 * Threads. Every function may be called from any thread. Calls on one store
 *   handle are serialised (one runs at a time; the others wait), and so are
 *   calls on one sync session. iro_store_close waits for calls in progress on
 *   other threads to return; it also stops a running iro_sync_run or
 *   iro_enrol, which return within about 100 ms. iro_enrol and iro_sync_run
 *   work on their own connection to the store file, so they do not hold up
 *   other calls on the handle while they wait for the network. Several
 *   handles (and processes) may open one file; writers take turns
 *   (IRO_ERR_STORAGE_BUSY after a 5 s wait).
 *
 * Listener. iro_store_set_listener's callback is told about every change
 *   committed through the handle or by a sync (see iro_store_set_listener for
 *   the events). It runs on the thread that made the change, after the
 *   change is committed, with no lock of the library held: it may call any
 *   function of this library, on this handle too (iro_store_close included).
 *   It may run on several threads at once and must be thread-safe. It should
 *   return quickly (hand the event to the UI thread); it must not throw or
 *   longjmp.
 *
 * Versions. IRO_API_VERSION changes whenever this header does; compare it
 *   with iro_api_version() at run time to detect a mismatched library.
 *   Public structs never change once released: a new version of one is a new
 *   struct. iro_sync_options_t starts with its own size so it can grow.
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

/* History: 1 = stores, notes, export. 2 = timescales. 3 = handles as tokens
 * (closed handles refused), a host key in iro_store_open, documents as JSON,
 * conflicts, status, a change listener, sync through the built-in transport
 * (iro_enrol, iro_sync_run) and sans-IO sessions. 4 = the offline lease:
 * IRO_ERR_LEASE_EXPIRED, "lease_expires" and "locked" in the status JSON.
 * 5 = consultation forms: iro_form_templates_json and child-mode sessions
 * (iro_child_session_t); attachments (iro_attachment_add, iro_attachment_get,
 * iro_attachments_json). 6 = ws:// refused but to this machine, sealed
 * server settings, "encrypted" in the status JSON; the app's one request
 * function, iro_app_call. 7 = IRO_ERR_NOT_ALLOWED, the passphrase that
 * wraps the store's key (iro_keyring_*), the app's child mode. */
#define IRO_API_VERSION 7

/* Mirrors iro::ErrorCode one to one; IRO_ERR_MISUSE is the bridge's own. */
typedef enum iro_status {
  IRO_OK = 0,
  IRO_ERR_INVALID_INPUT = 1,       /* the data broke a rule; the message says which */
  IRO_ERR_NOT_FOUND = 2,           /* no such record (where the call needed one) */
  IRO_ERR_RECORD_LOCKED = 3,       /* an issued letter or finalised review */
  IRO_ERR_CORRUPT_DATA = 4,        /* bytes that do not decode */
  IRO_ERR_UNSUPPORTED_VERSION = 5, /* a format this build cannot read */
  IRO_ERR_STORAGE_FAILURE = 6,     /* the store's file failed (disk full, I/O) */
  IRO_ERR_STORAGE_BUSY = 7,        /* transient: another writer has the store, or a sync runs */
  IRO_ERR_SCHEMA_TOO_NEW = 8,      /* the store was written by a newer app */
  IRO_ERR_INTERNAL = 9,            /* a bug in iro-sync */
  IRO_ERR_WRONG_KEY = 10,          /* the store is encrypted with another key, or needs one */
  IRO_ERR_NETWORK = 11,            /* transient: the server could not be reached */
  IRO_ERR_REFUSED = 12,            /* the server refused this device; the message says why */
  IRO_ERR_LEASE_EXPIRED = 13,      /* the store's offline lease ran out: records are locked
                                      until a sync (iro_sync_run) reaches the server */
  IRO_ERR_NOT_ALLOWED = 14,        /* not in this state: the app's child mode, or too many
                                      wrong passphrases in a row (the message says when) */
  IRO_ERR_MISUSE = 100             /* a NULL, closed or invalid handle, or a missing argument */
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

/* A device store opened by iro_store_open. */
typedef struct iro_store iro_store_t;

/* The IRO_API_VERSION the library was built with. Thread-safe. */
IRO_API int iro_api_version(void);

/* Frees a buffer this library returned. NULL is ignored. */
IRO_API void iro_free(void* buffer);

/* Handles (stores, sync sessions and child sessions) currently open. */
IRO_API size_t iro_live_handles(void);

/* ---- Stores ------------------------------------------------------------ */

/* Opens (creating when absent) the device store at `path`. `key` is the
 * host's AES-256 key from the platform keystore (Android Keystore, iOS
 * Keychain): exactly 32 bytes, or NULL with `key_length` 0 for a store
 * without encryption at rest. The library keeps a copy only while the store
 * is open and wipes it on close; core never writes it to disk. Errors:
 * IRO_ERR_INVALID_INPUT for a key that is not 32 bytes; IRO_ERR_WRONG_KEY
 * when the store was created with another key, or with a key and none is
 * given, or without one and one is given; IRO_ERR_SCHEMA_TOO_NEW for a file
 * from a newer app; IRO_ERR_STORAGE_FAILURE for a file that is not a store.
 * On success *out_store is a handle the caller closes with iro_store_close. */
IRO_API iro_status_t iro_store_open(const char* path, const uint8_t* key, size_t key_length,
                                    iro_store_t** out_store, iro_error_t* error);

/* Closes the store: waits for calls in progress on other threads, stops a
 * running iro_sync_run or iro_enrol and waits for it, removes the listener
 * and wipes the key. NULL and closed handles are ignored. Every later call
 * with the handle is refused with IRO_ERR_MISUSE. */
IRO_API void iro_store_close(iro_store_t* store);

/* The device's id. Caller frees *out_id with iro_free. */
IRO_API iro_status_t iro_store_device_id(iro_store_t* store, char** out_id, iro_error_t* error);

/* The device's state as the JSON object `iro status --json` prints:
 * {"device_id", "tenant", "user_id", "server", "pending_changes",
 *  "rejected_changes", "last_sync", "last_sync_error", "last_sync_error_at",
 *  "stuck_since", "cursor", "schema_version", "timescale_policy",
 *  "lease_expires", "locked", "encrypted"} (null for what is not known yet:
 * "user_id" is null until the device enrols; "lease_expires" until an
 * encrypted store's first sync, and always for a store without a key).
 * "locked": true when the offline lease ran out and record calls fail with
 * IRO_ERR_LEASE_EXPIRED. "encrypted": false for a store opened without a key.
 * IRO_ERR_CORRUPT_DATA when an encrypted store's server settings (server,
 * CA, user, council) were changed in its file: it no longer enrols or syncs
 * (those calls fail the same way); enrol the device afresh in a new store.
 * Caller frees *out_json. */
IRO_API iro_status_t iro_store_status_json(iro_store_t* store, char** out_json, iro_error_t* error);

/* How many changes wait to be pushed. */
IRO_API iro_status_t iro_store_pending_changes(iro_store_t* store, uint64_t* out_count,
                                               iro_error_t* error);

/* Every record as the canonical JSON array of `iro export --json`, deleted
 * records included (caller frees). */
IRO_API iro_status_t iro_store_export_json(iro_store_t* store, char** out_json, iro_error_t* error);

/* ---- Change notifications ---------------------------------------------- */

/* `context` is the pointer given to iro_store_set_listener; `event_json` is
 * valid only during the call (copy what you keep). */
typedef void (*iro_listener_fn)(void* context, const char* event_json);

/* Registers the function told about changes to the store's records; one per
 * handle (a new one replaces the old; NULL removes it). Events, one small
 * JSON object each:
 *   {"event":"changed","origin":"local","doc_ids":[ID]}
 *       a record was created, edited, deleted or had a conflict resolved
 *       through this handle;
 *   {"event":"changed","origin":"pull","doc_ids":[...]}
 *       a sync applied the server's changes (live ones too, when following);
 *   {"event":"changed","origin":"push","doc_ids":[...]}
 *       a sync applied the server's verdicts on pushed changes (a merged or
 *       refused change may have changed what the record holds);
 *   {"event":"changed","origin":"purge","doc_ids":[...],"child_ids":[...]}
 *       children left the IRO's caseload and their records were removed;
 *   {"event":"synced","pushed":N,"pulled":N,"pending":N}
 *       a sync is in step with the server (done, or live again after a push);
 *   {"event":"wiped","reason":"..."}
 *       the device was revoked: the store has been closed and its files
 *       deleted; the handle is closed.
 * doc_ids are sorted and unique. Changes made through other handles or other
 * processes are not reported (a sync reports what it pushes of them).
 * Threading: see the conventions above. When this returns, the previous
 * listener is no longer running on any other thread and will not be called
 * again, so its context may be freed. */
IRO_API iro_status_t iro_store_set_listener(iro_store_t* store, iro_listener_fn callback,
                                            void* context, iro_error_t* error);

/* ---- Records as JSON --------------------------------------------------- */

/* A record's JSON, as in `iro export --json`:
 *   {"id", "kind", "child_id", "fields": {name: value}, "deleted"}
 * plus "conflicts" when there are any. Values: text as strings, dates as
 * "YYYY-MM-DD", booleans, integers, sets as arrays of strings. Field tables
 * per kind: docs/ARCHITECTURE.md ("Records and fields"). `fields_json` below
 * is the "fields" object: an unknown field, a value of the wrong type or one
 * that breaks a rule is IRO_ERR_INVALID_INPUT with a message naming
 * kind.field; text that is not JSON, likewise, with the parser's position. */

/* Creates a record of `kind` ("review", "visit", "consultation", "letter",
 * "challenge", "midway") for child `child_id` with `fields_json` (an object;
 * "{}" for none). *out_id receives the new id (caller frees). */
IRO_API iro_status_t iro_document_create(iro_store_t* store, const char* kind, const char* child_id,
                                         const char* fields_json, char** out_id,
                                         iro_error_t* error);

/* Sets the fields in `fields_json`; null clears a field, fields left out are
 * kept. IRO_ERR_NOT_FOUND for an unknown or deleted record,
 * IRO_ERR_RECORD_LOCKED for an issued letter or a finalised review. */
IRO_API iro_status_t iro_document_edit(iro_store_t* store, const char* doc_id,
                                       const char* fields_json, iro_error_t* error);

/* The record's JSON, deleted ones included (marked "deleted": true); a record
 * the store does not hold gives IRO_OK with *out_json = NULL. Caller frees. */
IRO_API iro_status_t iro_document_get(iro_store_t* store, const char* doc_id, char** out_json,
                                      iro_error_t* error);

/* The records (not deleted) of `kind` and of child `child_id`, either or
 * both NULL for any, as a JSON array sorted by id ("[]" when none match).
 * Caller frees. */
IRO_API iro_status_t iro_document_query(iro_store_t* store, const char* kind, const char* child_id,
                                        char** out_json, iro_error_t* error);

/* Deletes the record (a change that syncs). IRO_ERR_NOT_FOUND when unknown. */
IRO_API iro_status_t iro_document_delete(iro_store_t* store, const char* doc_id,
                                         iro_error_t* error);

/* Records a visit note for a child, dated today (UTC); *out_id receives the
 * note's id (caller frees). Shorthand for iro_document_create("visit", ...). */
IRO_API iro_status_t iro_note_add(iro_store_t* store, const char* child_id, const char* text,
                                  char** out_id, iro_error_t* error);

/* ---- Conflicts --------------------------------------------------------- */

/* Words that lost an overlapping merge (docs/ARCHITECTURE.md, "Merge"), as a
 * JSON array of the objects `iro conflicts --json` prints, records by id:
 *   {"doc_id", "kind", "child_id", "id" (e.g. "note#42"), "field",
 *    "value" (the words that lost), "current" (the record's words),
 *    "device_id", "hlc"}
 * "[]" when there are none. Caller frees. */
IRO_API iro_status_t iro_conflict_list(iro_store_t* store, char** out_json, iro_error_t* error);

typedef enum iro_conflict_resolution {
  IRO_RESOLVE_KEEP = 0, /* the record keeps its words */
  IRO_RESOLVE_TAKE = 1, /* the record takes the conflict's words */
  IRO_RESOLVE_TEXT = 2  /* the record takes `text`: words the person settled on */
} iro_conflict_resolution_t;

/* Resolves conflict `conflict_id` ("note#42") of record `doc_id`: a change
 * that syncs and clears the conflict on every device. `text` is required
 * with IRO_RESOLVE_TEXT and ignored otherwise. IRO_ERR_NOT_FOUND when the
 * record has no such conflict. */
IRO_API iro_status_t iro_conflict_resolve(iro_store_t* store, const char* doc_id,
                                          const char* conflict_id,
                                          iro_conflict_resolution_t resolution, const char* text,
                                          iro_error_t* error);

/* ---- Timescales -------------------------------------------------------- */

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
 * frees *out_json. */
IRO_API iro_status_t iro_timescales(const char* request_json, char** out_json, iro_error_t* error);

/* ---- Attachments -------------------------------------------------------- */
/* A child's drawing or a photo: a blob named by the lower-case hex SHA-256 of
 * its bytes, at most 10 MiB, kept on the device (sealed like the records in a
 * store with a key) and synced apart from the records (docs/ARCHITECTURE.md,
 * "Attachments"). */

/* Stores `length` bytes (length > 0) and adds their hash to the `attachments`
 * of record `doc_id` (a consultation or a visit), in one change that syncs.
 * *out_hash receives the hash (caller frees). IRO_ERR_INVALID_INPUT for no
 * bytes, more than 10 MiB or a kind without attachments; IRO_ERR_NOT_FOUND
 * for an unknown record; IRO_ERR_LEASE_EXPIRED when the store is locked. */
IRO_API iro_status_t iro_attachment_add(iro_store_t* store, const char* doc_id,
                                        const uint8_t* bytes, size_t length, char** out_hash,
                                        iro_error_t* error);

/* The bytes of attachment `hash`: *out_bytes (caller frees with iro_free)
 * and *out_length. IRO_ERR_NOT_FOUND when the device does not hold all of
 * them (not yet fetched: a sync fetches what records point at). */
IRO_API iro_status_t iro_attachment_get(iro_store_t* store, const char* hash, uint8_t** out_bytes,
                                        size_t* out_length, iro_error_t* error);

/* Every attachment the device holds or awaits, as the JSON array
 * `iro attachments --json` prints, by hash:
 *   {"hash", "size", "received", "state": "local" | "held" | "wanted" |
 *    "failed", "reason" (only when failed)}
 * "[]" when there are none. Caller frees. */
IRO_API iro_status_t iro_attachments_json(iro_store_t* store, char** out_json, iro_error_t* error);

/* ---- Consultation forms and child mode ---------------------------------- */
/* Form templates come from the server (an administrator publishes them); a
 * device holds those it has synced. A child session is what the IRO hands
 * the child: it reaches one consultation (the child's chosen name, the
 * questions of the template version it was started on, the answers so far)
 * and nothing else of the store. Its calls are serialised with its store's;
 * once the store is closed the session's calls are refused with
 * IRO_ERR_MISUSE (close the session too). Answers and attachments are
 * changes that sync and are reported to the store's listener as local
 * changes of the consultation. */

/* The templates the device holds, newest version of each family, by family,
 * as a JSON array (caller frees; "[]" before the first sync):
 *   {"id", "family", "name", "age_variant", "intro", "version",
 *    "questions": [{"id", "type", "prompt", "picture" (when set),
 *                   "options" (choice), "min", "max" (scale),
 *                   "replaces" (when set)}, ...]}
 * Question types: free_text, choice, scale, yes_no, people, where_when,
 * do_not_discuss. A template that does not read is left out. */
IRO_API iro_status_t iro_form_templates_json(iro_store_t* store, char** out_json,
                                             iro_error_t* error);

/* A child-mode session on one consultation. */
typedef struct iro_child_session iro_child_session_t;

/* Starts a consultation for child `child_id` on template `template_id` (a
 * template's "id", or a family for its newest version) and opens a session
 * on it. `setup_json` is NULL or an object with optional strings
 * {"helped_by": "carer" (nobody, carer, advocate, iro, parent, social_worker,
 * other), "review_id": ID}. *out_session is closed with
 * iro_child_session_close. IRO_ERR_NOT_FOUND when the device holds no such
 * template; IRO_ERR_INVALID_INPUT for bad setup JSON or values. */
IRO_API iro_status_t iro_child_session_start(iro_store_t* store, const char* child_id,
                                             const char* template_id, const char* setup_json,
                                             iro_child_session_t** out_session, iro_error_t* error);

/* Opens a session on an existing consultation (to carry on where the child
 * left off). IRO_ERR_NOT_FOUND when the store lacks the consultation or the
 * template version it was started on; IRO_ERR_INVALID_INPUT for a record
 * that is not a consultation. */
IRO_API iro_status_t iro_child_session_open(iro_store_t* store, const char* consultation_id,
                                            iro_child_session_t** out_session, iro_error_t* error);

/* What the child sees, as JSON (caller frees):
 *   {"consultation_id", "child_name" ("" when unknown), "finished": bool,
 *    "template": {"id", "family", "version", "name", "age_variant", "intro"},
 *    "questions": [{"id", "type", "prompt", ... as in iro_form_templates_json,
 *                   "answer": "..." or null}, ...]} */
IRO_API iro_status_t iro_child_session_form_json(iro_child_session_t* session, char** out_json,
                                                 iro_error_t* error);

/* Records the answer to `question_id` (empty text clears it). Scales take
 * the number as text ("7"), yes_no "yes" or "no", choice one of the options.
 * IRO_ERR_INVALID_INPUT for a question the template version lacks, an
 * answer that does not fit, or a finished consultation. */
IRO_API iro_status_t iro_child_session_answer(iro_child_session_t* session, const char* question_id,
                                              const char* text, iro_error_t* error);

/* Attaches a drawing (or other picture) to the consultation, as
 * iro_attachment_add; *out_hash receives its hash (caller frees).
 * IRO_ERR_INVALID_INPUT after finish. */
IRO_API iro_status_t iro_child_session_attach(iro_child_session_t* session, const uint8_t* bytes,
                                              size_t length, char** out_hash, iro_error_t* error);

/* Marks the consultation completed; later answers and attachments are
 * refused (IRO_ERR_INVALID_INPUT). */
IRO_API iro_status_t iro_child_session_finish(iro_child_session_t* session, iro_error_t* error);

/* Closes the session (not the store). NULL and closed handles are ignored. */
IRO_API void iro_child_session_close(iro_child_session_t* session);

/* ---- Sync through the built-in transport ------------------------------- */
/* A Boost.Beast WebSocket client that connects, drives the protocol and
 * retries with backoff. Blocking: call from a background thread. wss://
 * (TLS 1.2+, the server's certificate verified for its host name) in the
 * field. ws:// is refused (IRO_ERR_INVALID_INPUT, before any connection)
 * except to this machine (localhost, 127.0.0.0/8, ::1), where it reaches a
 * server run with --insecure-loopback. One enrolment or sync runs per handle
 * at a time; a second is refused with IRO_ERR_STORAGE_BUSY. */

/* Enrols this device with the server at `server_url` ("wss://host:port")
 * using the one-time `code` an administrator issued. `device_name` (NULL:
 * "iro mobile") is what the server's device list shows. `ca_cert_path` (NULL:
 * the system's roots) is the server's CA certificate (PEM) for wss://. The
 * store keeps the server's URL, the device token and that CA; iro_sync_run
 * uses them, trusting that CA alone for the server.
 * Errors: IRO_ERR_INVALID_INPUT for a bad URL (ws:// to another machine
 * included) or a device already enrolled;
 * IRO_ERR_REFUSED for an unknown, used or expired code; IRO_ERR_NETWORK
 * (transient) when the server could not be reached, or iro_sync_cancel
 * stopped it. */
IRO_API iro_status_t iro_enrol(iro_store_t* store, const char* server_url, const char* code,
                               const char* device_name, const char* ca_cert_path,
                               iro_error_t* error);

/* Options for iro_sync_run. Fill with iro_sync_options_init, then change
 * what you need: fields added in later versions keep their defaults for
 * callers built against this one (struct_size tells the library which). */
typedef struct iro_sync_options {
  size_t struct_size;       /* sizeof(iro_sync_options_t); set by iro_sync_options_init */
  double follow_seconds;    /* after catching up, stay live this long (0: return at once) */
  int max_attempts;         /* connections tried before giving up (default 5; 1-100) */
  const char* ca_cert_path; /* replaces, for this call, the CA kept at enrolment (NULL: keep) */
} iro_sync_options_t;

/* Sets struct_size and the defaults: no following, 5 attempts, no CA file. */
IRO_API void iro_sync_options_init(iro_sync_options_t* options);

/* Pushes local changes, then pulls until caught up (then follows for
 * options->follow_seconds, applying live changes and pushing local edits
 * every second), with the server and token the store holds from iro_enrol.
 * `options` may be NULL for the defaults. *out_report_json (caller frees):
 *   {"result": "synced" | "wiped" | "cancelled", "pushed": N, "pulled": N,
 *    "pending": N, "attempts": N, "message": "..."}
 * Outcomes:
 * - IRO_OK, "synced": everything was pushed and pulled.
 * - IRO_OK, "wiped": the server revoked this device. The store has been
 *   closed and its files deleted, the listener told ({"event":"wiped"}), and
 *   the handle is closed: later calls get IRO_ERR_MISUSE, and
 *   iro_store_close on it is harmless.
 * - IRO_OK, "cancelled": iro_sync_cancel or iro_store_close stopped it
 *   before it caught up (a follower that had caught up reports "synced").
 * - IRO_ERR_NETWORK (transient): no session completed within max_attempts;
 *   the outbox is kept for next time.
 * - IRO_ERR_REFUSED: the server refused the device (revoked token, ...),
 *   broke the protocol, or could not be trusted (its certificate failed
 *   verification); the message says why.
 * - IRO_ERR_WRONG_KEY: the server's lease secret does not open this locked
 *   store (it stays locked).
 * - IRO_ERR_INVALID_INPUT: not enrolled, or a CA file that is not PEM.
 * The store records each outcome (iro_store_status_json shows it). */
IRO_API iro_status_t iro_sync_run(iro_store_t* store, const iro_sync_options_t* options,
                                  char** out_report_json, iro_error_t* error);

/* Asks a running iro_sync_run or iro_enrol on this store to stop; it returns
 * within about 100 ms. Does nothing when none is running. */
IRO_API iro_status_t iro_sync_cancel(iro_store_t* store, iro_error_t* error);

/* ---- Sync over the host's own WebSocket (sans-IO) ---------------------- */
/* For hosts that bring their own socket (URLSessionWebSocketTask, OkHttp):
 * the library makes and reads the protocol's binary frames; the host moves
 * them. Connect to the server's URL (iro_store_status_json "server"), send
 * the first frame, then hand every binary frame received to
 * iro_sync_session_receive and send the frames it returns, in order, until
 * the state is DONE, REFUSED or WIPED (or, following, for as long as you
 * like, calling iro_sync_session_flush after local edits or once a second).
 * Then close the socket and the session. After an error from receive or a
 * dropped connection, close the session and start a new one: the outbox and
 * cursor live in the store, so nothing is lost or sent twice. A session's
 * calls are serialised with its store's. A wipe (state WIPED) closes and
 * deletes the store as iro_sync_run does. */

typedef struct iro_sync_session iro_sync_session_t;

typedef enum iro_sync_mode {
  IRO_SYNC_UNTIL_CAUGHT_UP = 0, /* push, pull until caught up, then DONE */
  IRO_SYNC_FOLLOW = 1           /* then stay LIVE: apply changes as the server sends them */
} iro_sync_mode_t;

typedef enum iro_sync_state {
  IRO_SYNC_GREETING = 0, /* the first frame is out; waiting for the server's answer */
  IRO_SYNC_PUSHING = 1,
  IRO_SYNC_PULLING = 2,
  IRO_SYNC_LIVE = 3,    /* caught up, following */
  IRO_SYNC_DONE = 4,    /* finished: close the connection (enrolment: enrolled) */
  IRO_SYNC_REFUSED = 5, /* the server refused; iro_sync_session_report says why */
  IRO_SYNC_WIPED = 6    /* the device was revoked; the store is closed and deleted */
} iro_sync_state_t;

/* Frames to send, in order. Owned by the caller: free with iro_frames_free. */
typedef struct iro_frames {
  size_t count;
  const uint8_t* const* data; /* data[i] is frame i, lengths[i] bytes long */
  const size_t* lengths;
} iro_frames_t;

/* Frees a frame list and its frames. NULL is ignored. */
IRO_API void iro_frames_free(iro_frames_t* frames);

/* Starts a sync session on an enrolled store. *out_first_frame (caller
 * frees with iro_free) and *out_first_length are the frame to send first;
 * *out_session is closed with iro_sync_session_close. IRO_ERR_INVALID_INPUT
 * when the device has not enrolled, or its server's address is ws:// to
 * another machine. */
IRO_API iro_status_t iro_sync_session_start(iro_store_t* store, iro_sync_mode_t mode,
                                            iro_sync_session_t** out_session,
                                            uint8_t** out_first_frame, size_t* out_first_length,
                                            iro_error_t* error);

/* Starts an enrolment over the host's socket: as iro_enrol, but the host
 * connects to `server_url` and moves the frames. The store records
 * `server_url` as its server; it is held to iro_enrol's rule (wss:// except
 * to this machine). The session ends in DONE (enrolled) or REFUSED. */
IRO_API iro_status_t iro_enrol_session_start(iro_store_t* store, const char* server_url,
                                             const char* code, const char* device_name,
                                             iro_sync_session_t** out_session,
                                             uint8_t** out_first_frame, size_t* out_first_length,
                                             iro_error_t* error);

/* Hands the session one binary frame from the server. *out_frames receives
 * the frames to send (possibly none; never NULL on success; caller frees
 * with iro_frames_free). IRO_ERR_CORRUPT_DATA for bytes that do not decode,
 * IRO_ERR_INVALID_INPUT for a message the protocol does not allow here;
 * IRO_ERR_MISUSE when the session's store is closed. */
IRO_API iro_status_t iro_sync_session_receive(iro_sync_session_t* session, const uint8_t* frame,
                                              size_t length, iro_frames_t** out_frames,
                                              iro_error_t* error);

/* Following (LIVE): the frames that push local edits made since the last
 * push; none when there is nothing to send or a push awaits its answer.
 * Caller frees *out_frames with iro_frames_free. */
IRO_API iro_status_t iro_sync_session_flush(iro_sync_session_t* session, iro_frames_t** out_frames,
                                            iro_error_t* error);

/* Where the session is. */
IRO_API iro_status_t iro_sync_session_state(iro_sync_session_t* session,
                                            iro_sync_state_t* out_state, iro_error_t* error);

/* The session so far as JSON (caller frees): a sync's
 *   {"state": "pulling", "pushed": N, "pulled": N, "pull_total": N,
 *    "pending": N, "reason": "..." (refused or wiped)}
 * an enrolment's {"state", "device_id", "user_id", "tenant"} once enrolled,
 * or {"state", "reason"} when refused. States are named as in
 * iro_sync_state_t, lower case ("greeting" ... "wiped"). */
IRO_API iro_status_t iro_sync_session_report(iro_sync_session_t* session, char** out_json,
                                             iro_error_t* error);

/* Closes the session (not the store). NULL and closed handles are ignored. */
IRO_API void iro_sync_session_close(iro_sync_session_t* session);

/* ---- The passphrase ----
 *
 * The store's key wrapped under a key derived from the IRO's passphrase
 * (scrypt; parameters in docs/security.md), in a keyring file beside the
 * store: "<store_path>.keyring", readable by the IRO's account alone. A host
 * that has the key (from the platform keystore, or when the IRO first sets
 * a passphrase) writes the keyring; afterwards the app asks for the
 * passphrase to open the store, and leaving the app's child mode needs it.
 * After five wrong passphrases in a row, each further guess waits 30 s
 * (IRO_ERR_NOT_ALLOWED saying how long); leaving child mode counts too. */

/* Writes (or replaces) the keyring of the store at store_path, wrapping the
 * 32-byte key under passphrase. IRO_ERR_INVALID_INPUT for a passphrase
 * shorter than 8 characters or a key that is not 32 bytes;
 * IRO_ERR_STORAGE_FAILURE when the file cannot be written. */
IRO_API iro_status_t iro_keyring_create(const char* store_path, const char* passphrase,
                                        const uint8_t* key, size_t key_length, iro_error_t* error);

/* Copies the key the keyring wraps into out_key (key_length must be 32).
 * IRO_ERR_WRONG_KEY for a wrong passphrase, IRO_ERR_NOT_ALLOWED while
 * guesses must wait, IRO_ERR_NOT_FOUND when the store has no keyring,
 * IRO_ERR_CORRUPT_DATA for a file that is not one. */
IRO_API iro_status_t iro_keyring_unlock(const char* store_path, const char* passphrase,
                                        uint8_t* out_key, size_t key_length, iro_error_t* error);

/* 1 when the store at store_path has a keyring, else 0. */
IRO_API int iro_keyring_exists(const char* store_path);

/* ---- The app ----
 *
 * The app's screens (app/web/ on a laptop through `iro app`; a WebView on
 * Android and iOS) ask the store through this one function: a JSON request
 * {"op": NAME, ...parameters} in, one JSON reply out (caller frees). Every
 * operation, its parameters and its reply: docs/app-api.md. A parameter the
 * operation does not take, a missing one or an unknown operation is
 * IRO_ERR_INVALID_INPUT naming it; a record the device does not hold is
 * IRO_ERR_NOT_FOUND. A record the call saved is announced to the listener
 * as any local change is. */
IRO_API iro_status_t iro_app_call(iro_store_t* store, const char* request_json,
                                  char** out_reply_json, iro_error_t* error);

#ifdef __cplusplus
}
#endif

#endif /* IRO_IRO_H */
