/* run_fixture.h - a spec run against a target or a fault proxy, in process, and helpers that
 * read its results; shared by the runner, idempotency and checks tests. Failures fail the
 * calling Criterion test. */
#ifndef CF_TEST_RUN_FIXTURE_H
#define CF_TEST_RUN_FIXTURE_H

#include "fault_proxy.h"
#include "check/result.h"
#include "cli/target.h"
#include "run/runner.h"
#include "suite/suite.h"

#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant/"
#define ENVELOPE_SPEC SPEC_DIR "start-attachment-upload.json"
#define AWS_SPEC SPEC_DIR "start-attachment-upload.aws.json"

typedef struct {
    cf_suite *suite;
    cf_fault_proxy *proxy; /* NULL when the target is not a fault proxy */
    cf_run_result result;
    cf_rc rc;
    char err[1024];
} cf_test_run;

/* The bundled spec of a profile: 0 the envelope, 1 AWS. */
const char *cf_test_spec_file(int aws);
/* Any FILE conform runs (v1 spec, contract, suite v2), loaded or the test fails. */
cf_suite *cf_test_load_suite(const char *file);
/* Runs the cases of `file` matching `filter` (NULL: all) against `target`. */
void cf_test_run_target(cf_test_run *r, const char *file, const char *target, const char *filter);
/* Starts a fault proxy (fault NULL: conforming) for a profile and runs against it. */
void cf_test_run_fault(cf_test_run *r, int aws, const char *fault, const char *filter);
void cf_test_run_cleanup(cf_test_run *r);
const cf_case_result *cf_test_find_case(const cf_run_result *res, const char *id);
/* The first failed check with that id on the case; NULL when it held or did not run. */
const cf_check_result *cf_test_failed_check(const cf_case_result *c, const char *id);
/* "case: check (actual); ..." for every failed check (caller frees). */
char *cf_test_failures(const cf_run_result *res);
/* The failed case ids, space-separated in spec order (caller frees). */
char *cf_test_failed_cases(const cf_run_result *res);

#endif
