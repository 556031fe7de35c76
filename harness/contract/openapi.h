/* openapi.h - the OpenAPI 3.0 and 3.1 loader (JSON or YAML) into a cf_api. */
#ifndef CF_OPENAPI_H
#define CF_OPENAPI_H

#include <stddef.h>

#include "base/diag.h"
#include "base/rc.h"
#include "contract/api.h"

/* What is read: info, servers (with variables), components (schemas, parameters,
 * requestBodies, responses, headers, examples, securitySchemes, pathItems), paths and their
 * operations (parameters in path, query, header and cookie with style and explode, requestBody
 * per media type, responses per status, "2XX" range and "default", response headers), security
 * requirements, example/examples, local $ref (any JSON Pointer; cycles of refs that name
 * nothing but another ref are refused) and $ref to files beside the entry file (same directory
 * tree, at most CF_MAX_CONTRACT_FILES), and the x-conform extensions (README.md, "Contracts:
 * OpenAPI"). What a contract lacks is inferred (api.h). Refused with a diagnostic naming the file,
 * the JSON Pointer (and for YAML the line and column) and the feature: Swagger 2.0, another OpenAPI
 * version, remote (URL) refs, refs leaving the entry's directory, http auth schemes other than
 * bearer and basic, mutualTLS, malformed members the model needs.
 *
 * Memory: on success *out is a new cf_api the caller frees with cf_api_free(); it owns the
 * parsed documents. On failure *out is NULL. */

/* Loads from memory. `file` names the document in diagnostics and is where sibling $refs are
 * resolved from; NULL refuses sibling refs (fuzzing, stdin). `buf` need not be NUL-terminated;
 * JSON or YAML is detected from the first non-blank byte ('{' is JSON). Returns CF_OK,
 * CF_E_INVALID (with diagnostics), CF_E_TOO_LARGE, CF_E_NOMEM. */
CF_WUR cf_rc cf_openapi_load_mem(const char *file, const char *buf, size_t len, cf_api **out,
                                 cf_diags *diags);
/* Reads `path` (at most CF_MAX_CONTRACT_FILE bytes) and loads it. */
CF_WUR cf_rc cf_openapi_load_file(const char *path, cf_api **out, cf_diags *diags);

/* 1 when `buf` looks like an OpenAPI or Swagger document: an "openapi" or "swagger" member of
 * the top-level object (JSON: anywhere in it, strings skipped; YAML: a key at column 0).
 * Reads without parsing; a document it takes may still fail to load. */
int cf_openapi_sniff(const char *buf, size_t len);

#endif
