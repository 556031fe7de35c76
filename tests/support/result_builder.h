/* result_builder.h - run results assembled by hand for report tests. */
#ifndef CF_TEST_RESULT_BUILDER_H
#define CF_TEST_RESULT_BUILDER_H

#include "check/result.h"

/* Memory: everything added is owned by the cf_run_result (cf_run_result_cleanup() frees it).
 * Allocation failures fail the calling Criterion test. */

/* A copy of s that fails the test when memory runs out. */
char *cf_test_dup(const char *s);

/* Appends a case with tags "smoke" and its id, and the replay line
 * "conform run --filter 'ID' FILE". */
cf_case_result *cf_test_add_case(cf_run_result *r, const char *file, const char *title,
                                 const char *id, const char *summary, int ran, int passed,
                                 double ms);
void cf_test_add_check(cf_case_result *c, const char *id, int passed, const char *step,
                       const char *expected, const char *actual);
/* Returns the new exchange, for fields like error_code and covered (set with cf_test_dup). */
cf_exchange_record *cf_test_add_exchange(cf_case_result *c, const char *step, const char *request,
                                         const char *response, const char *curl, long status,
                                         double ms);

#endif
