/* internal.h - private to suite/: the suite v2 loader behind cf_suite_load_file. */
#ifndef CF_SUITE_INTERNAL_H
#define CF_SUITE_INTERNAL_H

#include "contract/case_parse.h"
#include "suite/suite.h"

/* Memory: nothing here owns memory beyond what it stores in the cf_suite being loaded (owned by
 * the suite) and the diagnostics it adds (owned by the list). */

/* Fills `s` (file set, kind CF_SUITE_V2) from the v2 document in `buf`: parses it, loads the
 * contract it names into s->api (unless s->api is set already), and its cases into s->cases with
 * every step's op resolved. Problems go to `diags`; returns CF_OK or CF_E_INVALID / CF_E_NOMEM /
 * the contract's error. */
CF_WUR cf_rc cf_suite_v2_load(cf_suite *s, const char *buf, size_t len, cf_diags *diags);

/* v2_step.c: the members of a v2 step besides the shared ones ("operation", "method", "path",
 * "query"), and how "error" names resolve against the contract. p->model is the cf_suite. */
void cf_suite_v2_step(cf_case_parser *p, cf_step *step, const cJSON *obj, const char *path,
                      int in_scenario);
int cf_suite_v2_resolve(cf_case_parser *p, const char *name, const char *path, const char **code,
                        cf_api_role *role);
/* The keys of a v2 single-request case and of a member of "steps" (NULL-terminated). */
extern const char *const cf_suite_v2_case_keys[];
extern const char *const cf_suite_v2_step_keys[];

#endif
