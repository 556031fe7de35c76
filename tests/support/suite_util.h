/* suite_util.h - loading suite v2 text written in tests with single quotes for JSON's double
 * quotes, and finding the diagnostic a bad input must produce. */
#ifndef CF_TEST_SUITE_UTIL_H
#define CF_TEST_SUITE_UTIL_H

#include "suite/suite.h"

/* The worked example's contract (absolute path) that test suites name. */
#define SUITE_POSTS CONFORM_SOURCE_DIR "/specs/examples/posts.openapi.yaml"

/* Memory: the returned suite is the caller's (cf_suite_free); `diags` is initialised here and
 * cleaned up by the caller. The temporary file is removed before returning. */

/* Writes `text` (every ' turned into ") to a temporary file and loads it; *rc gets the result.
 * The file's name is copied to `file` (size >= 64) for matching diagnostics. */
cf_suite *suite_load_text(const char *text, cf_rc *rc, cf_diags *diags, char *file);
/* {"conform":2,"contract":SUITE_POSTS,"cases":[CASES]} with `cases` in single quotes. */
cf_suite *suite_load_cases(const char *cases, cf_rc *rc, cf_diags *diags, char *file);
/* Loads `path` and asserts it loaded, printing every diagnostic; returns the suite and, when
 * `findings` is given, how many diagnostics (warnings) it had. */
cf_suite *suite_load_ok(const char *path, size_t *findings);
/* Asserts (Criterion) that a diagnostic of `file` sits at `path` and its message holds `says`
 * (single quotes turned into "); prints every diagnostic when not. */
void suite_expect_diag(const cf_diags *d, const char *file, const char *path, const char *says);

#endif
