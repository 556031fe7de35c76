/* json.h - bounded JSON parsing and JSON Pointer lookup on top of cJSON. */
#ifndef CF_JSON_H
#define CF_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/rc.h"

/* Parses exactly `len` bytes (need not be NUL-terminated) as one JSON value.
 * Nesting deeper than `max_depth` fails with CF_E_TOO_DEEP before cJSON sees the input;
 * trailing bytes other than whitespace fail with CF_E_INVALID.
 * On failure *out is NULL and *err_offset (if given) is the byte offset of the problem.
 * Memory: the caller frees *out with cJSON_Delete(). */
CF_WUR cf_rc cf_json_parse(const char *buf, size_t len, int max_depth, cJSON **out,
                           size_t *err_offset);

/* Deepest array/object nesting in the bytes, strings skipped; stops counting past `stop`. */
int cf_json_depth(const char *buf, size_t len, int stop);

/* RFC 6901 lookup ("" is the root, "/a/0/b~1c"); NULL when absent or malformed.
 * Borrows: the result lives as long as `root`. */
const cJSON *cf_json_pointer(const cJSON *root, const char *pointer);

/* Decodes %XX escapes of a URI fragment into out (size n). Returns 0 when an escape is
 * malformed, decodes to NUL or the result does not fit. */
int cf_json_uri_decode(const char *s, char *out, size_t n);

/* Resolves a local reference ("#", "#/json/pointer", percent-escaped) against root; NULL with
 * the reason in *why (not local, an anchor, malformed, names nothing). Borrows like
 * cf_json_pointer. */
const cJSON *cf_json_ref(const cJSON *root, const char *ref, const char **why);

/* Renders a value compactly into a new string (caller frees); NULL on allocation failure. */
char *cf_json_print(const cJSON *value);
/* Appends `value` printed (pretty: indented, else on one line) and a newline to `out`: the one
 * way a writer puts a JSON document or line into a buffer. CF_OK or CF_E_NOMEM. */
CF_WUR cf_rc cf_json_append_line(cf_buf *out, const cJSON *value, int pretty);
/* JSON text appended to `out`, byte for byte what cJSON_PrintUnformatted() prints, without
 * building or printing a tree (json_text.c): cf_json_add() any value, cf_json_add_string() a
 * string with its quotes, cf_json_add_chars() its characters escaped, no quotes. A NULL string
 * is written as "". CF_OK, or the buffer's error (CF_E_NOMEM, CF_E_TOO_LARGE). */
CF_WUR cf_rc cf_json_add(cf_buf *out, const cJSON *v);
CF_WUR cf_rc cf_json_add_string(cf_buf *out, const char *s);
CF_WUR cf_rc cf_json_add_chars(cf_buf *out, const char *s);
/* Whether `pred` holds for some decoded string value or member name of the tree (escapes such
 * as \u0063 are already decoded there, so byte matching on the raw text can miss what this
 * finds). Depth past `max_depth` is not visited. */
typedef int (*cf_json_string_pred)(void *user, const char *s, size_t len);
int cf_json_any_string(const cJSON *v, cf_json_string_pred pred, void *user, int max_depth);

/* Like cf_json_pointer but creates missing parent objects and replaces the target with
 * `value` (taken). Fails with CF_E_INVALID when a parent is not an object or array index is
 * out of range; `value` is then freed. */
CF_WUR cf_rc cf_json_pointer_set(cJSON *root, const char *pointer, cJSON *value);
/* Removes the member at `pointer`; CF_E_NOT_FOUND when absent. */
CF_WUR cf_rc cf_json_pointer_remove(cJSON *root, const char *pointer);

#endif
