/* spec_lint.h - the spec loader's internal pieces shared between spec.c and spec_cases.c. */
#ifndef CF_SPEC_LINT_H
#define CF_SPEC_LINT_H

/* Private to harness/contract/ (and suite/, whose v2 loader shares the v1 checks). Memory: nothing
 * here allocates beyond the diagnostics added to `d` (owned by `d`) and the cases stored on `spec`
 * (owned by the spec). */

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "contract/spec.h"

/* Each adds diagnostics and increments *errors per problem. */
void cf_spec_lint_headers(const char *file, const cJSON *headers, const char *path, int allow_null,
                          cf_diags *d, size_t *errors);
void cf_spec_lint_auth_vars(const char *file, const cf_spec *spec, cf_diags *d, size_t *errors);
void cf_spec_load_cases(const char *file, cf_spec *spec, const cJSON *cases, cf_diags *d,
                        size_t *errors);
void cf_spec_lint_templates(const char *file, const cf_spec *spec, cf_diags *d, size_t *errors);
/* Whether s is a non-empty RFC 9110 token (method names, header names). */
int cf_spec_lint_token(const char *s);
/* Whether s is an RFC 6901 JSON Pointer ("" or "/..." with '~' only as ~0 / ~1). */
int cf_spec_lint_pointer(const char *s);
/* 1-based line number of a byte offset. */
size_t cf_spec_line_of(const char *buf, size_t len, size_t offset);

/* Generators the runner provides beyond the built-ins, and the mock's. */
int cf_spec_is_runner_generator(const char *name);
int cf_spec_is_mock_generator(const char *name);

#endif
