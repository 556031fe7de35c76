/* suite.h - what `conform run|serve|lint|list FILE` loads: a contract and the cases to run
 * against it. A FILE is a conform v1 spec (contract and cases in one), a bare contract
 * (OpenAPI 3.x, AWS model or overlay: no hand-written cases, generation adds them) or a suite
 * v2 file ("conform": 2) that names its contract by relative path (specs/README.md). */
#ifndef CF_SUITE_H
#define CF_SUITE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "base/rc.h"
#include "contract/api.h"
#include "contract/case.h"
#include "contract/spec.h"

/* What kind of file a suite came from. */
typedef enum {
    CF_SUITE_V1,       /* a "conform": 1 spec file */
    CF_SUITE_CONTRACT, /* a contract alone */
    CF_SUITE_V2,       /* a "conform": 2 suite file naming a contract */
} cf_suite_kind;

/* Memory: a cf_suite owns its api, the v1 spec or v2 document the cases borrow from, the
 * `cases` array and each case's own arrays (cf_cases_free), and `generated` (what generated
 * cases borrow from). Every step's `op` points into `api`. Free with cf_suite_free(). Loaded
 * suites are read-only and may be shared by threads that only read. */
typedef struct cf_suite {
    char *file; /* as given to the loader */
    cf_suite_kind kind;
    char *contract_file; /* the contract's path (v2: resolved against the suite's folder;
                          * otherwise a copy of `file`) */
    cf_api *api;
    cf_spec *v1; /* CF_SUITE_V1: the spec (api and cases borrow from it); else NULL */
    cJSON *root; /* CF_SUITE_V2: the suite document; else NULL */
    cf_case *cases;
    size_t case_count;
    cJSON *generated; /* what generated cases borrow from; NULL when none */
} cf_suite;

/* Loads any FILE above. Every problem is added to `diags` with the file and a JSON Pointer.
 * Returns CF_OK; CF_E_INVALID (with diagnostics); CF_E_IO / CF_E_TOO_LARGE for an unreadable
 * or oversized file; CF_E_NOT_FOUND (with a diagnostic) when the file is neither a suite nor a
 * contract conform reads. On failure *out is NULL. */
CF_WUR cf_rc cf_suite_load_file(const char *path, cf_suite **out, cf_diags *diags);
/* A v1 spec from memory (`name` names it in diagnostics): the fuzz targets' and tests' way. */
CF_WUR cf_rc cf_suite_load_v1_mem(const char *name, const char *buf, size_t len, cf_suite **out,
                                  cf_diags *diags);
/* A suite v2 from memory against a contract already loaded: `api` is taken (freed with the
 * suite, or here on failure); the suite's "contract" member must be a string but is not read.
 * The fuzz target's and tests' way. */
CF_WUR cf_rc cf_suite_load_v2_mem(const char *name, const char *buf, size_t len, cf_api *api,
                                  cf_suite **out, cf_diags *diags);
void cf_suite_free(cf_suite *suite);

/* 1 when `buf` is a JSON object with "conform": 2 (read, not fully parsed). */
int cf_suite_sniff_v2(const char *buf, size_t len);

#endif
