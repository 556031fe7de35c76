/* schema.h - JSON Schema as contracts write it (2020-12, and OpenAPI 3.0's draft-04 dialect):
 * compiled once, validated many times (requests in the mock, responses in the runner). */
#ifndef CF_SCHEMA_H
#define CF_SCHEMA_H

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "base/rc.h"

/* Keywords: $ref (local JSON Pointers, cycles bounded) with $defs/definitions, allOf, anyOf,
 * oneOf, not, if/then/else, const, enum, type, multipleOf, minimum, maximum,
 * exclusiveMinimum/Maximum, minLength/maxLength (code points), pattern, patternProperties
 * (ECMA-262 regexes through PCRE2 with a match limit), properties, additionalProperties,
 * propertyNames, min/maxProperties, required, dependentRequired, dependentSchemas,
 * prefixItems, items, contains, min/maxContains, min/maxItems, uniqueItems, boolean schemas,
 * format (asserted: date-time, date, time, duration, email, hostname, ipv4, ipv6, uri,
 * uri-reference, uuid, json-pointer, regex, int32, int64, float, double, byte) and conform's
 * "x-https" (true: a uri must be https with a host) and "x-millis" (true: a date-time must be
 * yyyy-MM-ddThh:mm:ss.SSSZ). The OpenAPI 3.0 dialect adds nullable, boolean
 * exclusiveMinimum/Maximum, array-form items with additionalItems, dependencies,
 * discriminator (the oneOf/anyOf branch is picked by the mapping) and readOnly/writeOnly
 * (a readOnly member in a request or a writeOnly member in a response is a violation).
 * Annotations ($comment, title, description, default, examples, deprecated, $id, ...) are
 * accepted and ignored. */

/* Schema applications nested in one validation ($ref, allOf, ... each count one): a $ref cycle
 * that consumes no instance ends here. */
#ifndef CF_SCHEMA_MAX_DEPTH
#define CF_SCHEMA_MAX_DEPTH 256
#endif

typedef enum {
    CF_SCHEMA_2020_12 = 0, /* JSON Schema 2020-12: OpenAPI 3.1, conform files */
    CF_SCHEMA_OAS30,       /* OpenAPI 3.0's schema object (draft-04 with its additions) */
} cf_schema_dialect;

typedef enum {
    CF_SCHEMA_ANY = 0, /* readOnly and writeOnly are not checked */
    CF_SCHEMA_REQUEST,
    CF_SCHEMA_RESPONSE,
} cf_schema_direction;

typedef struct {
    cf_schema_dialect dialect; /* used unless the schema's "$schema" names draft-04 or 2020-12 */
    const cJSON *document;     /* where "#/..." refs resolve (an OpenAPI document); NULL: the
                                * schema is its own resource root */
} cf_schema_options;

typedef struct cf_schema cf_schema;

/* Compiles `schema` (refs resolved, regexes compiled). A keyword that cannot be evaluated does
 * not fail the compilation: validation reports it at the instance it meets. Returns CF_OK,
 * CF_E_INVALID when schema is NULL, CF_E_NOMEM. opt may be NULL (2020-12, own root).
 * Memory: the result borrows `schema` and opt->document, which must outlive it; free it with
 * cf_schema_free() (accepts NULL). */
CF_WUR cf_rc cf_schema_compile(const cJSON *schema, const cf_schema_options *opt, cf_schema **out);
void cf_schema_free(cf_schema *s);

/* Adds one diagnostic per violation to `out` (may be NULL: only count; file NULL, path = the
 * instance path prefixed with `base`, the message ends with the schema path of the keyword)
 * and returns the number of violations. A oneOf says how many branches matched and why the
 * closest failed. Nesting is bounded by CF_MAX_JSON_DEPTH (instances) and CF_SCHEMA_MAX_DEPTH
 * (schema applications, so $ref cycles end). Allocates nothing while the instance passes. */
size_t cf_schema_check(const cf_schema *s, const cJSON *instance, cf_schema_direction dir,
                       const char *base, cf_diags *out);
/* 1 when the instance passes, else 0: the quick form of cf_schema_check. */
int cf_schema_accepts(const cf_schema *s, const cJSON *instance);

/* One-shot form: compiles `schema` as a standalone 2020-12 schema, checks, frees. Returns the
 * number of violations (an allocation failure counts as one). */
size_t cf_schema_validate(const cJSON *schema, const cJSON *instance, const char *base,
                          cf_diags *out);

/* Lints `schema`: refuses (counted in the result) what the validator cannot evaluate and
 * unknown keywords, naming the keyword; warns (added to `out` with a "warning: " message, not
 * counted) on schemas no value can pass. Paths are under `base`, diagnostics carry `file`. */
size_t cf_schema_lint(const cJSON *schema, const char *file, const char *base, cf_diags *out);
/* The same for a schema of a given dialect inside a document (see cf_schema_options). */
size_t cf_schema_lint_with(const cJSON *schema, const cf_schema_options *opt, const char *file,
                           const char *base, cf_diags *out);

/* The same, but a format the validator does not know is only warned about: OpenAPI's formats
 * are open-ended ("binary", "password" are annotations there). */
size_t cf_schema_lint_open(const cJSON *schema, const cf_schema_options *opt, const char *file,
                           const char *base, cf_diags *out);

#endif
