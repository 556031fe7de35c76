/* schema.h - the JSON Schema subset conform validates with (requests in the mock, responses
 * in the runner). */
#ifndef CF_SCHEMA_H
#define CF_SCHEMA_H

#include <cjson/cJSON.h>

#include "base/diag.h"

/* Supported keywords: type (string or array of: object, array, string, integer, number,
 * boolean, null), required, properties, additionalProperties (boolean or schema), items,
 * minLength/maxLength (counted in Unicode code points), minimum/maximum, enum, format
 * ("date-time" = RFC 3339, "uri" = absolute URI with scheme), plus the conform extensions
 * "x-https" (true: a uri must be https) and "x-millis" (true: a date-time must have exactly
 * millisecond precision and 'Z', AWS ISO8601). Keywords outside the subset like "description"
 * and "title" are ignored.
 *
 * cf_schema_validate() adds one diagnostic per violation to `out` (file NULL, path = the
 * JSON path inside the instance, prefixed with `base`) and returns the number of violations
 * found. It never fails: a malformed schema keyword is reported as a violation at the
 * instance path naming the keyword. Recursion is bounded by CF_MAX_JSON_DEPTH. */
size_t cf_schema_validate(const cJSON *schema, const cJSON *instance, const char *base,
                          cf_diags *out);

/* Checks that `schema` uses only the subset correctly (known types, numbers where numbers
 * belong, ...). Adds diagnostics with `file` and paths under `base`; returns the count. */
size_t cf_schema_lint(const cJSON *schema, const char *file, const char *base, cf_diags *out);

/* Length of a UTF-8 string in code points; (size_t)-1 when it is not valid UTF-8. */
size_t cf_utf8_length(const char *s, size_t len);

#endif
