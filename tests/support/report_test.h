/* report_test.h - what report tests share: run results assembled by hand, a report rendered
 * to a string, a count of matches, files written, Python checks run. */
#ifndef CF_TEST_REPORT_TEST_H
#define CF_TEST_REPORT_TEST_H

#include <stddef.h>

#include "base/buf.h"
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

/* A report writer's output as a new string (free() it); fails the test when it fails. */
char *cf_test_render(cf_rc (*writer)(const cf_run_result *, cf_buf *), const cf_run_result *r);
/* cf_report_console() into a new string. */
char *cf_test_console(const cf_run_result *r, int color, int verbose);
/* Occurrences of `needle` in `hay` (overlapping ones too). */
size_t cf_test_count(const char *hay, const char *needle);
/* Writes `text` to `path` (replacing it); fails the test when it cannot. */
void cf_test_write_file(const char *path, const char *text);
/* Runs Python 3 `script` (written to DIR/check.py) with `arg` as argv[1]; 1 when it exits 0,
 * its output going to the test log. */
int cf_test_python(const char *dir, const char *script, const char *arg);

#endif
